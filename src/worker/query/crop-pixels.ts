/** Converts the UI's normalised crop rectangle into pixels of the decoded photo, clamped inside it. */
import type { CropRect } from '../../shared/preprocess/rgba-image.ts';
import type { Rect } from '../../engine-api/api-types.ts';
import { EngineError } from '../errors.ts';

/** Null (or a rectangle covering everything) means the whole photo: returns undefined. */
export function cropPixels(rect: Rect | null, width: number, height: number): CropRect | undefined {
  if (!rect) return undefined;
  const values = [rect.x, rect.y, rect.width, rect.height];
  if (!values.every(Number.isFinite)) throw new EngineError('The crop rectangle is not a number.');
  const x0 = Math.min(Math.max(rect.x, 0), 1) * width;
  const y0 = Math.min(Math.max(rect.y, 0), 1) * height;
  const x1 = Math.min(Math.max(rect.x + rect.width, 0), 1) * width;
  const y1 = Math.min(Math.max(rect.y + rect.height, 0), 1) * height;
  // Round outwards to whole pixels, and keep at least one pixel each way.
  let left = Math.floor(x0);
  let top = Math.floor(y0);
  const right = Math.max(Math.ceil(x1), left + 1);
  const bottom = Math.max(Math.ceil(y1), top + 1);
  left = Math.min(left, width - 1);
  top = Math.min(top, height - 1);
  const crop = {
    x: left,
    y: top,
    width: Math.min(right, width) - left,
    height: Math.min(bottom, height) - top,
  };
  return crop.width === width && crop.height === height ? undefined : crop;
}
