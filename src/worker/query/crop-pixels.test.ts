import { describe, expect, it } from 'vitest';
import { cropPixels } from './crop-pixels.ts';

describe('cropPixels', () => {
  it('treats null and the full rectangle as the whole photo', () => {
    expect(cropPixels(null, 400, 300)).toBeUndefined();
    expect(cropPixels({ x: 0, y: 0, width: 1, height: 1 }, 400, 300)).toBeUndefined();
  });

  it('maps normalised coordinates to pixels, rounding outwards', () => {
    expect(cropPixels({ x: 0.25, y: 0.5, width: 0.5, height: 0.25 }, 400, 300)).toEqual({
      x: 100,
      y: 150,
      width: 200,
      height: 75,
    });
    expect(cropPixels({ x: 0.101, y: 0.101, width: 0.5, height: 0.5 }, 100, 100)).toEqual({
      x: 10,
      y: 10,
      width: 51,
      height: 51,
    });
  });

  it('clamps rectangles that stick out of the photo', () => {
    expect(cropPixels({ x: -0.2, y: 0.5, width: 0.5, height: 0.9 }, 100, 200)).toEqual({
      x: 0,
      y: 100,
      width: 30,
      height: 100,
    });
  });

  it('keeps at least one pixel for degenerate rectangles, even at the far edge', () => {
    expect(cropPixels({ x: 0.5, y: 0.5, width: 0, height: 0 }, 10, 10)).toEqual({
      x: 5,
      y: 5,
      width: 1,
      height: 1,
    });
    expect(cropPixels({ x: 1, y: 1, width: 0.1, height: 0.1 }, 10, 10)).toEqual({
      x: 9,
      y: 9,
      width: 1,
      height: 1,
    });
  });

  it('rejects non-numbers with an EngineError', () => {
    expect(() => cropPixels({ x: NaN, y: 0, width: 1, height: 1 }, 10, 10)).toThrow(
      expect.objectContaining({ name: 'EngineError' }),
    );
  });
});
