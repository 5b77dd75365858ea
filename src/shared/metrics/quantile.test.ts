import { describe, expect, it } from 'vitest';
import { median, p95, quantile } from './quantile.ts';

describe('quantile', () => {
  it('interpolates between order statistics, whatever the input order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([10, 0], 0.25)).toBe(2.5);
    // 20 values 1..20: position 0.95 * 19 = 18.05 lies between 19 and 20.
    expect(p95(Array.from({ length: 20 }, (_, i) => 20 - i))).toBeCloseTo(19.05, 10);
  });

  it('gives the extremes at 0 and 1, the value itself for one value, NaN for none', () => {
    expect(quantile([5, -2, 9], 0)).toBe(-2);
    expect(quantile([5, -2, 9], 1)).toBe(9);
    expect(p95([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});
