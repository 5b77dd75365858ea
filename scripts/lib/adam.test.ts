import { describe, expect, it } from 'vitest';
import { Adam } from './adam.ts';

describe('Adam', () => {
  it('moves each weight by lr against the sign of its gradient on the first step', () => {
    const w = Float32Array.of(1, -2, 3);
    new Adam([w], { lr: 0.1 }).step([Float32Array.of(5, -0.01, 0)]);
    expect(w[0]).toBeCloseTo(0.9, 5);
    expect(w[1]).toBeCloseTo(-1.9, 4);
    expect(w[2]).toBe(3);
  });

  it('minimises a quadratic', () => {
    const w = Float32Array.of(4, -3);
    const adam = new Adam([w], { lr: 0.05 });
    const g = new Float32Array(2);
    for (let i = 0; i < 2000; i++) {
      // f = (w0 - 1)^2 + 10 (w1 + 2)^2
      g[0] = 2 * (w[0] - 1);
      g[1] = 20 * (w[1] + 2);
      adam.step([g]);
    }
    expect(w[0]).toBeCloseTo(1, 2);
    expect(w[1]).toBeCloseTo(-2, 2);
  });

  it('decays weights when asked, even with zero gradient', () => {
    const w = Float32Array.of(2);
    new Adam([w], { lr: 0.1, weightDecay: 0.5 }).step([Float32Array.of(0)]);
    expect(w[0]).toBeCloseTo(2 - 0.1 * 0.5 * 2, 6);
  });
});
