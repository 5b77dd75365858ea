import { describe, expect, it } from 'vitest';
import { quantiseColumns } from './quantise-columns.ts';

describe('quantiseColumns', () => {
  // 3 rows x 2 columns: column 0 spans [-1, 2], column 1 is constant.
  const values = new Float32Array([-1, 0.5, 0.3, 0.5, 2, 0.5]);

  it('maps each column onto the full code range, within half a step', () => {
    const { codes, scales, offsets } = quantiseColumns(values, 3, 2);
    expect(codes[0]).toBe(0);
    expect(codes[4]).toBe(255);
    expect(scales[0]).toBeCloseTo(3 / 255, 7);
    for (let i = 0; i < values.length; i++) {
      const c = i % 2;
      expect(Math.abs(scales[c] * codes[i] + offsets[c] - values[i])).toBeLessThanOrEqual(scales[c] / 2 + 1e-7);
    }
  });

  it('keeps a constant column exact', () => {
    const { codes, scales, offsets } = quantiseColumns(values, 3, 2);
    expect([codes[1], codes[3], codes[5]]).toEqual([0, 0, 0]);
    expect(scales[1] * codes[1] + offsets[1]).toBe(0.5);
  });

  it('rejects a shape that does not match the values', () => {
    expect(() => quantiseColumns(values, 2, 2)).toThrow(/not 2x2/);
  });
});
