import { describe, expect, it } from 'vitest';
import { MAX_CANVAS_SIDE, photoCanvasSize } from './photo-canvas-size.ts';

describe('photoCanvasSize', () => {
  it('matches a portrait box in device pixels', () => {
    // 3000 x 4000 shown 300 px wide (400 px tall) on a 2x screen: 600 x 800.
    expect(photoCanvasSize(3000, 4000, 300, 2)).toEqual({ width: 600, height: 800 });
  });

  it('matches a landscape box', () => {
    expect(photoCanvasSize(4000, 3000, 400, 1)).toEqual({ width: 400, height: 300 });
  });

  it('never exceeds the photo itself', () => {
    expect(photoCanvasSize(320, 240, 600, 3)).toEqual({ width: 320, height: 240 });
  });

  it('never exceeds the cap, however large the screen', () => {
    const size = photoCanvasSize(3000, 4000, 1000, 3);
    expect(Math.max(size.width, size.height)).toBe(MAX_CANVAS_SIDE);
  });
});
