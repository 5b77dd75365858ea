import { describe, expect, it } from 'vitest';
import { chooseBlend, instanceRecallAt1 } from './choose-blend.ts';

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

  it('takes the smallest weight that keeps the raw instance recall', () => {
    const blends = [score(0, 0.1), score(0.5, 0.38), score(1, 0.41), score(1.5, 0.45)];
    expect(chooseBlend(raw, blends).weight).toBe(1);
  });

  it('falls back to the best instance recall when no weight reaches it', () => {
    const blends = [score(0, 0.1), score(0.5, 0.3), score(1, 0.35), score(1.5, 0.33)];
    expect(chooseBlend(raw, blends).weight).toBe(1);
  });
});
