import { describe, expect, it } from 'vitest';
import { colourFamily, dominantColour } from './colour.ts';

describe('colourFamily', () => {
  it.each([
    [[0, 0, 0], 'black'],
    [[30, 30, 35], 'black'],
    [[250, 250, 250], 'white'],
    [[128, 128, 128], 'grey'],
    [[220, 30, 30], 'red'],
    [[120, 10, 20], 'red'],
    [[250, 150, 170], 'pink'],
    [[230, 120, 20], 'orange'],
    [[240, 220, 40], 'yellow'],
    [[40, 160, 60], 'green'],
    [[30, 60, 200], 'blue'],
    [[20, 30, 80], 'blue'],
    [[120, 40, 160], 'purple'],
    [[225, 205, 170], 'beige'],
    [[100, 60, 30], 'brown'],
  ] as const)('%j is %s', (rgb, family) => {
    expect(colourFamily(rgb[0], rgb[1], rgb[2])).toBe(family);
  });
});

describe('dominantColour', () => {
  it('reads the centre, not the background', () => {
    const w = 40;
    const h = 40;
    const rgba = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = (y * w + x) * 4;
        const centre = x >= 12 && x < 28 && y >= 12 && y < 28;
        // A red garment in the middle of a grey floor that covers most of the photo.
        rgba.set(centre ? [200, 20, 30, 255] : [128, 128, 128, 255], p);
      }
    }
    expect(dominantColour(rgba, w, h)).toBe('red');
  });

  it('ignores transparent pixels', () => {
    const rgba = new Uint8Array(4 * 4 * 4);
    for (let p = 0; p < rgba.length; p += 4) rgba.set([0, 0, 0, 0], p);
    rgba.set([30, 60, 200, 255], (1 * 4 + 1) * 4);
    expect(dominantColour(rgba, 4, 4)).toBe('blue');
  });
});
