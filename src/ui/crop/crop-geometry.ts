/** Crop box geometry in normalised [0, 1] photo coordinates: moving and resizing stay inside the photo. */
import type { Rect } from '../engine/engine-types.ts';

/** What a drag grabs: the whole box or one of its edges/corners. */
export type CropHandle = 'move' | 'n' | 's' | 'e' | 'w' | 'nw' | 'ne' | 'sw' | 'se';

export const FULL_PHOTO: Rect = { x: 0, y: 0, width: 1, height: 1 };

/** The smallest box side, so a crop never collapses to nothing. */
export const MIN_SIDE = 0.08;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The box after dragging `handle` by (dx, dy), starting from `start`. */
export function dragRect(start: Rect, handle: CropHandle, dx: number, dy: number): Rect {
  let left = start.x;
  let top = start.y;
  let right = start.x + start.width;
  let bottom = start.y + start.height;
  if (handle === 'move') {
    const mx = clamp(dx, -left, 1 - right);
    const my = clamp(dy, -top, 1 - bottom);
    return { x: left + mx, y: top + my, width: start.width, height: start.height };
  }
  if (handle.includes('w')) left = clamp(left + dx, 0, right - MIN_SIDE);
  if (handle.includes('e')) right = clamp(right + dx, left + MIN_SIDE, 1);
  if (handle.includes('n')) top = clamp(top + dy, 0, bottom - MIN_SIDE);
  if (handle.includes('s')) bottom = clamp(bottom + dy, top + MIN_SIDE, 1);
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Keyboard: arrows move the box; with Shift they move its bottom-right corner (resize). */
export function keyRect(start: Rect, key: string, shift: boolean, step = 0.02): Rect | null {
  const delta: Record<string, [number, number]> = {
    ArrowLeft: [-step, 0],
    ArrowRight: [step, 0],
    ArrowUp: [0, -step],
    ArrowDown: [0, step],
  };
  const d = delta[key];
  if (!d) return null;
  return dragRect(start, shift ? 'se' : 'move', d[0], d[1]);
}

/** True when the box covers the whole photo (within rounding), i.e. no crop. */
export function isFullPhoto(rect: Rect): boolean {
  const eps = 1e-3;
  return rect.x < eps && rect.y < eps && rect.width > 1 - eps && rect.height > 1 - eps;
}

export function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}
