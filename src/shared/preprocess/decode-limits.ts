/** The size rules both decoders follow, so huge images are decoded downscaled (or refused) alike. */
import { ImageDecodeError } from './decode-error.ts';

/**
 * Longest side a photo is decoded at. Far above the model's 224 px, so user crops keep their
 * detail, and small enough that a 12000x12000 PNG costs 16 MB of RGBA instead of 576 MB.
 */
export const MAX_DECODE_SIDE = 2048;

/** The size to decode a width x height image at: unchanged if it fits, else scaled to fit. */
export function fitWithin(
  width: number,
  height: number,
  maxSide: number = MAX_DECODE_SIDE,
): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= maxSide) return { width, height };
  const scale = maxSide / longest;
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * Shortest side a JPEG is decoded at when its decoder can scale (three times the models' 224 px
 * input, so a crop of a third of the photo still fills it).
 */
export const MIN_SCALED_SIDE = 672;

/**
 * The size a JPEG decoder scaling by k/8 (libjpeg's DCT scaling, k = 1..8; sizes rounded up)
 * gives at the smallest k whose shorter side is at least `minSide`: a 12 MP phone photo
 * (4032 × 3024) decodes at a quarter, 1008 × 756, in a quarter of the time (docs/latency.md).
 */
export function jpegScaledSize(
  width: number,
  height: number,
  minSide: number = MIN_SCALED_SIDE,
): { width: number; height: number } {
  for (let k = 1; k < 8; k++) {
    const scaled = { width: Math.ceil((width * k) / 8), height: Math.ceil((height * k) / 8) };
    if (Math.min(scaled.width, scaled.height) >= minSide) return scaled;
  }
  return { width, height };
}

/**
 * Most pixels a photo may have: sharp's own default limit (16383 x 16383), so Node and the
 * browser refuse the same files. Checked from the header, before decoding: a 20000 x 20000 PNG
 * compresses to a few hundred KB, yet a browser decodes a PNG whole (1.6 GB of RGBA) before
 * scaling it down, enough to kill a phone's tab.
 */
export const MAX_DECODE_PIXELS = 16383 * 16383;

/** Throws ImageDecodeError 'too-large' for an image over MAX_DECODE_PIXELS. */
export function checkPixelCount(width: number, height: number): void {
  if (width * height <= MAX_DECODE_PIXELS) return;
  const megapixels = (n: number) => Math.floor(n / 1e6);
  throw new ImageDecodeError(
    'too-large',
    `This image is ${width} × ${height} pixels (${megapixels(width * height)} megapixels); images up to ${megapixels(MAX_DECODE_PIXELS)} megapixels are accepted.`,
  );
}
