import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

/** A random symmetric n x n matrix B + Bᵀ. */
function randomSymmetric(n: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const b = Array.from({ length: n * n }, () => random() * 2 - 1);
  return Float64Array.from({ length: n * n }, (_, k) => b[k] + b[(k % n) * n + Math.floor(k / n)]);
}

describe('symmetricEigen', () => {
  it('solves a 2 x 2 case by hand: [[2, 1], [1, 2]] has 3 along (1, 1) and 1 along (1, -1)', () => {
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0] - vectors[1])).toBeLessThan(1e-12);
    expect(Math.abs(vectors[2] + vectors[3])).toBeLessThan(1e-12);
  });

  it('gives orthonormal vectors, sorted values, and A v = λ v on a random 40 x 40 matrix', () => {
    const n = 40;
    const a = randomSymmetric(n, 3);
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += vectors[i * n + k] * vectors[j * n + k];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 10);
      }
      for (let r = 0; r < n; r++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[r * n + k] * vectors[i * n + k];
        expect(av).toBeCloseTo(values[i] * vectors[i * n + r], 9);
      }
    }
  });
});
