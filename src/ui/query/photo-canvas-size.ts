/** The backing size of the query photo's canvas: the box it shows in, in device pixels. */
import { fitWithin } from '../../shared/preprocess/decode-limits.ts';

/** Longest canvas side at most: 6.5 MB of pixels, whatever the screen. */
export const MAX_CANVAS_SIDE = 1280;

/**
 * A `width` x `height` photo shown `boxWidth` CSS pixels wide (its box keeps the photo's
 * proportions) on a screen of `pixelRatio`: the canvas size that is sharp there and no larger,
 * never above the photo's own size or MAX_CANVAS_SIDE. A canvas far larger than its box costs
 * a full-size copy whenever it changes and a downscale in every composited frame.
 */
export function photoCanvasSize(
  width: number,
  height: number,
  boxWidth: number,
  pixelRatio: number,
): { width: number; height: number } {
  const boxLongest = (boxWidth * Math.max(width, height)) / width;
  const side = Math.min(MAX_CANVAS_SIDE, Math.ceil(boxLongest * pixelRatio));
  return fitWithin(width, height, Math.max(1, side));
}
