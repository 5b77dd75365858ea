import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from './seeded-random.ts';
import { learnWhitening, whitenRows } from './whitening.ts';

/**
 * Items live in a few "identity" dimensions; their views add large noise in the others (a
 * nuisance, like a background or a blur, that an off-the-shelf descriptor cannot tell apart).
 */
function pairs(count: number, dim: number, seed: number) {
  const random = seededRandom(seed);
  const anchors = new Float32Array(count * dim);
  const positives = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < dim; j++) {
      const identity = j < 4 ? gaussian(random) : 0;
      const spread = j < 4 ? 0.05 : 2;
      anchors[r * dim + j] = identity + spread * gaussian(random);
      positives[r * dim + j] = identity + spread * gaussian(random);
    }
  }
  return { anchors, positives };
}

/** Share of positives whose nearest anchor (by dot product of unit rows) is their own. */
function recallAt1(anchors: Float32Array, positives: Float32Array, dim: number): number {
  const unit = (rows: Float32Array) =>
    rows.map((x, i) => {
      const row = rows.subarray(i - (i % dim), i - (i % dim) + dim);
      return x / Math.hypot(...row);
    });
  const a = unit(anchors);
  const p = unit(positives);
  const n = a.length / dim;
  let hits = 0;
  for (let q = 0; q < n; q++) {
    let best = -1;
    let bestScore = -Infinity;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += p[q * dim + j] * a[r * dim + j];
      if (s > bestScore) [best, bestScore] = [r, s];
    }
    if (best === q) hits++;
  }
  return hits / n;
}

describe('learnWhitening', () => {
  const dim = 8;
  const train = pairs(400, dim, 1);

  it('maps the within-pair covariance to the identity (no shrinkage, no cut)', () => {
    const w = learnWhitening(train.anchors, train.positives, dim, { shrinkage: 0 });
    const n = train.anchors.length / dim;
    const c = new Float64Array(dim * dim);
    for (let r = 0; r < n; r++) {
      const d = Array.from({ length: dim }, (_, i) => {
        let s = 0;
        for (let j = 0; j < dim; j++) {
          s +=
            w.projection[i * dim + j] * (train.anchors[r * dim + j] - train.positives[r * dim + j]);
        }
        return s;
      });
      for (let i = 0; i < dim; i++)
        for (let j = 0; j < dim; j++) c[i * dim + j] += (d[i] * d[j]) / n;
    }
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++) expect(c[i * dim + j]).toBeCloseTo(i === j ? 1 : 0, 6);
    }
  });

  it('finds unseen items far more often once the nuisance dimensions are flattened', () => {
    const test = pairs(200, dim, 2);
    const before = recallAt1(test.anchors, test.positives, dim);
    const w = learnWhitening(train.anchors, train.positives, dim, { shrinkage: 0.05, out: 4 });
    const after = recallAt1(whitenRows(w, test.anchors), whitenRows(w, test.positives), 4);
    expect(before).toBeLessThan(0.3);
    expect(after).toBeGreaterThan(0.8);
  });

  it('keeps the first principal dimensions when cut, and gives unit rows', () => {
    const full = learnWhitening(train.anchors, train.positives, dim, { shrinkage: 0.1 });
    const cut = learnWhitening(train.anchors, train.positives, dim, { shrinkage: 0.1, out: 3 });
    expect(cut.projection).toEqual(full.projection.subarray(0, 3 * dim));
    const rows = whitenRows(cut, train.anchors.subarray(0, 5 * dim));
    for (let r = 0; r < 5; r++)
      expect(Math.hypot(...rows.subarray(r * 3, r * 3 + 3))).toBeCloseTo(1, 5);
  });

  it('refuses pairs that do not match', () => {
    expect(() =>
      learnWhitening(new Float32Array(16), new Float32Array(8), dim, { shrinkage: 0 }),
    ).toThrow(RangeError);
  });
});
