/** The colour-histogram baseline: an 8x8x8 RGB histogram of the photo's central region, L2-normalised. */
import sharp from 'sharp';

export const COLOUR_HISTOGRAM_ID = 'colour-histogram';
/** Bins per channel; the vector has BINS^3 entries. */
export const BINS = 8;
export const COLOUR_HISTOGRAM_DIM = BINS * BINS * BINS;
/** Side of the square the photo is reduced to before counting (the count, not the detail, matters). */
const SIDE = 64;
/** Share of each side kept around the centre, where the garment usually is. */
const CENTRAL = 0.6;

/**
 * Counts interleaved RGB(A) pixels of the central `central` share of each side into `out`
 * (BINS^3 entries) and L2-normalises it. Allocates nothing.
 */
export function colourHistogram(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 3 | 4,
  out: Float32Array,
  central = CENTRAL,
): Float32Array {
  if (out.length !== COLOUR_HISTOGRAM_DIM) {
    throw new RangeError(`colourHistogram: out needs ${COLOUR_HISTOGRAM_DIM} entries`);
  }
  if (pixels.length !== width * height * channels) {
    throw new RangeError(
      `colourHistogram: ${pixels.length} bytes for ${width}x${height}x${channels}`,
    );
  }
  out.fill(0);
  const x0 = Math.floor((width * (1 - central)) / 2);
  const y0 = Math.floor((height * (1 - central)) / 2);
  const x1 = width - x0;
  const y1 = height - y0;
  const shift = 8 - Math.log2(BINS);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const p = (y * width + x) * channels;
      const bin =
        ((pixels[p] >> shift) * BINS + (pixels[p + 1] >> shift)) * BINS + (pixels[p + 2] >> shift);
      out[bin]++;
    }
  }
  let norm = 0;
  for (let i = 0; i < out.length; i++) norm += out[i] * out[i];
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

/** Decodes photo bytes (honouring EXIF orientation) and returns its histogram vector. */
export async function colourHistogramOf(bytes: Buffer): Promise<Float32Array> {
  const { data, info } = await sharp(bytes)
    .rotate()
    .resize(SIDE, SIDE, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return colourHistogram(data, info.width, info.height, 3, new Float32Array(COLOUR_HISTOGRAM_DIM));
}
