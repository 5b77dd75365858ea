import { describe, expect, it } from 'vitest';
import { recallAtKInt8VsFloat } from './recall.ts';
import { seededRandom } from './seeded-random.ts';

/** Clustered, all-positive vectors sharing a common direction, like pooled CNN features. */
function embeddings(n: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const centres = Array.from({ length: 30 }, () => Float32Array.from({ length: dim }, random));
  const vectors = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const centre = centres[i % centres.length];
    for (let j = 0; j < dim; j++) vectors[i * dim + j] = 1 + centre[j] + random();
  }
  return vectors;
}

describe('recallAtKInt8VsFloat', () => {
  it('measures the int8 index against exact float search, repeatably', async () => {
    const vectors = embeddings(2000, 64, 1);
    const options = { queries: 100, k: 10, seed: 3 };
    const centred = await recallAtKInt8VsFloat(vectors, 64, options);
    const plain = await recallAtKInt8VsFloat(vectors, 64, { ...options, center: false });
    expect(await recallAtKInt8VsFloat(vectors, 64, options)).toBe(centred);
    // A strong common direction is what centring takes out before rounding (0.96 vs 0.886).
    expect(centred).toBeGreaterThan(plain + 0.03);
    expect(centred).toBeGreaterThan(0.93);
    expect(plain).toBeGreaterThan(0.8);
    expect(centred).toBeLessThanOrEqual(1);
  });

  it('is 1 for catalogs too small to miss anything', async () => {
    expect(await recallAtKInt8VsFloat(embeddings(1, 8, 2), 8)).toBe(1);
    expect(await recallAtKInt8VsFloat(embeddings(5, 8, 2), 8, { k: 10 })).toBe(1);
  });
});
