/** The max-side rule both decoders follow, so huge images are decoded downscaled and alike. */

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
