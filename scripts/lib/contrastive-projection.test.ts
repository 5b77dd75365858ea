import { describe, expect, it } from 'vitest';
import { infoNceStep, refineWhitening } from './contrastive-projection.ts';
import { gaussian, seededRandom } from './seeded-random.ts';
import { learnWhitening, type Whitening } from './whitening.ts';

const random = seededRandom(7);
const randn = (n: number) => Float32Array.from({ length: n }, () => gaussian(random));

describe('infoNceStep', () => {
  it('gives the gradient finite differences give', () => {
    const dim = 5;
    const out = 3;
    const w: Whitening = { dim, out, mean: randn(dim), projection: randn(out * dim) };
    const anchors = randn(4 * dim);
    const positives = randn(4 * dim);
    const ids = [0, 1, 2, 3];
    const grad = new Float32Array(out * dim);
    infoNceStep(w, anchors, positives, ids, 0.5, grad);
    const lossAt = (p: Float32Array) =>
      infoNceStep(
        { ...w, projection: p },
        anchors,
        positives,
        ids,
        0.5,
        new Float32Array(out * dim),
      );
    for (const k of [0, 4, 7, 14]) {
      const step = 1e-3;
      const up = w.projection.slice();
      const down = w.projection.slice();
      up[k] += step;
      down[k] -= step;
      expect(grad[k]).toBeCloseTo((lossAt(up) - lossAt(down)) / (2 * step), 3);
    }
  });
});

describe('refineWhitening', () => {
  it('lowers the loss and finds views the closed form confuses', () => {
    // Photos differ in 8 "identity" dims; views add noise there and in 4 nuisance dims whose
    // within-pair spread the whitening learns, but not a pair-specific shift it cannot flatten.
    const dim = 12;
    const photos = 200;
    const anchors = new Float32Array(photos * dim);
    const positives = new Float32Array(photos * dim);
    for (let r = 0; r < photos; r++) {
      for (let j = 0; j < dim; j++) {
        const identity = j < 8 ? gaussian(random) : 0;
        anchors[r * dim + j] =
          identity + 0.3 * gaussian(random) + (j >= 8 ? 2 * gaussian(random) : 0);
        positives[r * dim + j] =
          identity + 0.6 * gaussian(random) + (j >= 8 ? 2 * gaussian(random) : 0);
      }
    }
    const start = learnWhitening(anchors, positives, dim, { shrinkage: 0.1, out: 6 });
    const all = Array.from({ length: photos }, (_, i) => i);
    const lossOf = (w: Whitening) =>
      infoNceStep(w, anchors, positives, all, 0.1, new Float32Array(w.projection.length));
    const refined = refineWhitening(
      start,
      { anchors, positives, photoOf: all },
      { epochs: 30, batch: 50, lr: 1e-2, temperature: 0.1, seed: 1 },
    );
    expect(lossOf(refined)).toBeLessThan(lossOf(start) - 0.05);
    expect(refined.mean).toEqual(start.mean);
    expect(() =>
      refineWhitening(
        start,
        { anchors, positives, photoOf: all },
        { epochs: 1, batch: 201, lr: 1e-2, temperature: 0.1, seed: 1 },
      ),
    ).toThrow(/fewer than a batch/);
  });
});
