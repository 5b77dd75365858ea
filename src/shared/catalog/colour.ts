/** Names the dominant colour of a garment photo as a colour family, from its central region. */

export const COLOUR_FAMILIES = [
  'black',
  'white',
  'grey',
  'beige',
  'brown',
  'red',
  'orange',
  'yellow',
  'green',
  'blue',
  'purple',
  'pink',
] as const;
export type ColourFamily = (typeof COLOUR_FAMILIES)[number];

/** The colour family of one sRGB pixel (0-255 channels), by hue, saturation and lightness. */
export function colourFamily(r: number, g: number, b: number): ColourFamily {
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  const lightness = (max + min) / 2;
  const chroma = max - min;
  const saturation = chroma === 0 ? 0 : chroma / (1 - Math.abs(2 * lightness - 1));
  if (lightness < 0.16 || (lightness < 0.24 && saturation < 0.35)) return 'black';
  let hue = 0;
  if (chroma > 0) {
    const [rn, gn, bn] = [r / 255, g / 255, b / 255];
    if (max === rn) hue = ((gn - bn) / chroma) % 6;
    else if (max === gn) hue = (bn - rn) / chroma + 2;
    else hue = (rn - gn) / chroma + 4;
    hue = (hue * 60 + 360) % 360;
  }
  // Low chroma: the achromatic families, with warm light tones read as beige.
  if (chroma < 0.1 || saturation < 0.12) {
    if (lightness > 0.82) return 'white';
    return 'grey';
  }
  if (hue >= 15 && hue < 55 && saturation < 0.55 && lightness > 0.6) return 'beige';
  if (hue >= 10 && hue < 50 && lightness < 0.42) return 'brown';
  if (hue < 12 || hue >= 345) return lightness > 0.72 ? 'pink' : 'red';
  if (hue < 40) return 'orange';
  if (hue < 68) return 'yellow';
  if (hue < 165) return 'green';
  if (hue < 255) return 'blue';
  if (hue < 290) return 'purple';
  return 'pink';
}

/**
 * The most common colour family among the pixels of the central box (half the width and
 * height) of an RGBA image: the garment usually fills the middle, the background the edges.
 */
export function dominantColour(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): ColourFamily {
  const votes = new Uint32Array(COLOUR_FAMILIES.length);
  const x0 = Math.floor(width / 4);
  const x1 = Math.max(x0 + 1, Math.ceil((width * 3) / 4));
  const y0 = Math.floor(height / 4);
  const y1 = Math.max(y0 + 1, Math.ceil((height * 3) / 4));
  const index = new Map(COLOUR_FAMILIES.map((name, i) => [name, i]));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const p = (y * width + x) * 4;
      if (rgba[p + 3] < 128) continue; // transparent pixels carry no colour
      votes[index.get(colourFamily(rgba[p], rgba[p + 1], rgba[p + 2]))!]++;
    }
  }
  let best = 0;
  for (let i = 1; i < votes.length; i++) if (votes[i] > votes[best]) best = i;
  return COLOUR_FAMILIES[best];
}
