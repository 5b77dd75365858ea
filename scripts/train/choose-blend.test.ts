import { describe, expect, it } from 'vitest';
import { chooseBlend } from './choose-blend.ts';
import { instanceRecallAt1 } from './validate.ts';

describe('instanceRecallAt1', () => {
  it('counts queries whose nearest catalog row is their original', () => {
    const catalog = Float32Array.of(1, 0, 0, 1, 0.6, 0.8);
    // Query 0 is nearest to row 0 (hit); query 1 is nearest to row 2, not its original 1.
    const camera = Float32Array.of(0.9, 0.1, 0.5, 0.8);
    expect(instanceRecallAt1(camera, catalog, 2, [0, 1])).toBe(0.5);
  });
});

describe('chooseBlend', () => {
  const raw = { weight: Infinity, valMapAt10: 0.2, instanceRecallAt1: 0.4 };
  const score = (weight: number, r1: number) => ({
    weight,
    valMapAt10: 0.5,
    instanceRecallAt1: r1,
  });

  it('takes the smallest weight that beats the raw instance recall by two standard errors', () => {
    // 0.4 on 300 queries: standard error 0.0283, so the bar is 0.4566.
    const blends = [score(0, 0.1), score(0.5, 0.42), score(1, 0.46), score(1.5, 0.5)];
    expect(chooseBlend(raw, blends, 300).weight).toBe(1);
    // With 30 000 queries the bar is 0.4057: 0.42 is enough.
    expect(chooseBlend(raw, blends, 30000).weight).toBe(0.5);
  });

  it('falls back to the best instance recall when no weight reaches the bar', () => {
    const blends = [score(0, 0.1), score(0.5, 0.3), score(1, 0.35), score(1.5, 0.33)];
    expect(chooseBlend(raw, blends, 300).weight).toBe(1);
  });
});
