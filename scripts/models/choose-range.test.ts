import { describe, expect, it } from 'vitest';
import { addToHistogram, chooseRange, emptyHistogram, quantisationError } from './choose-range.ts';

describe('chooseRange', () => {
  it('clips a few far outliers instead of spreading 256 steps over them', () => {
    // A million values in [-1, 1) and two at ±10: clipping those costs less than coarse steps.
    const values = new Float32Array(1_000_000).map((_, i) => ((i % 200) - 100) / 100);
    values[0] = -10;
    values[1] = 10;
    const h = emptyHistogram({ min: -10, max: 10 });
    addToHistogram(h, values);
    const range = chooseRange(h);
    expect(range.max).toBeLessThan(5);
    expect(range.min).toBeGreaterThan(-5);
    expect(quantisationError(h, range.min, range.max)).toBeLessThan(quantisationError(h, -10, 10));
  });

  it('keeps 0 as the bottom of a nonnegative (ReLU6) range', () => {
    const h = emptyHistogram({ min: 0, max: 6 });
    addToHistogram(h, new Float32Array(1000).map((_, i) => (6 * i) / 1000));
    const range = chooseRange(h);
    expect(range.min).toBe(0);
    expect(range.max).toBeGreaterThan(5.9);
  });
});
