import { describe, expect, it } from 'vitest';
import { seededRandom } from '../lib/seeded-random.ts';
import { backward, embedAll, forward, HeadWorkspace, standardisation, trainable } from './head.ts';
import { initHead, type HeadShape, type HeadWeights } from '../lib/head-weights.ts';

function randomHead(shape: HeadShape, seed: number): HeadWeights {
  const random = seededRandom(seed);
  const mean = Float32Array.from({ length: shape.input }, () => random() - 0.5);
  const invStd = Float32Array.from({ length: shape.input }, () => 0.5 + random());
  const head = initHead(shape, mean, invStd, random);
  for (const t of trainable(head))
    for (let i = 0; i < t.length; i++) t[i] += 0.1 * (random() - 0.5);
  return head;
}

/** A scalar loss of the embeddings, sum(c * e), whose gradient wrt e is c. */
function lossOf(head: HeadWeights, x: Float32Array, rows: number, c: Float32Array): number {
  const e = forward(head, x, rows, new HeadWorkspace(head.shape, rows));
  let sum = 0;
  for (let i = 0; i < rows * head.shape.output; i++) sum += c[i] * e[i];
  return sum;
}

describe('head forward', () => {
  it('standardises, projects and normalises as computed by hand', () => {
    // x = [3, 1], mean [1, 1], invStd [0.5, 1] -> [1, 0]; w = [[3, 4], [0, 0]], b = [0, 0] -> [3, 4] -> [0.6, 0.8].
    const head: HeadWeights = {
      shape: { input: 2, hidden: 0, output: 2 },
      mean: Float32Array.of(1, 1),
      invStd: Float32Array.of(0.5, 1),
      w1: Float32Array.of(3, 4, 0, 0),
      b1: Float32Array.of(0, 0),
      w2: new Float32Array(0),
      b2: new Float32Array(0),
    };
    expect(Array.from(embedAll(head, Float32Array.of(3, 1)))).toEqual([
      expect.closeTo(0.6, 6),
      expect.closeTo(0.8, 6),
    ]);
  });

  it('applies the ReLU between the layers of an MLP head', () => {
    // Hidden pre-activations [1, -1] -> ReLU [1, 0]; w2 = [[0, 2], [5, 0]] -> [0, 2] -> [0, 1].
    const head: HeadWeights = {
      shape: { input: 1, hidden: 2, output: 2 },
      mean: Float32Array.of(0),
      invStd: Float32Array.of(1),
      w1: Float32Array.of(1, -1),
      b1: Float32Array.of(0, 0),
      w2: Float32Array.of(0, 2, 5, 0),
      b2: Float32Array.of(0, 0),
    };
    expect(Array.from(embedAll(head, Float32Array.of(1)))).toEqual([0, 1]);
  });

  it('computes the standardisation from the rows', () => {
    const { mean, invStd } = standardisation(Float32Array.of(1, 10, 3, 10), 2);
    expect(Array.from(mean)).toEqual([2, 10]);
    expect(invStd[0]).toBeCloseTo(1, 6);
    // A constant feature gets the floored std, not a division by zero.
    expect(Number.isFinite(invStd[1])).toBe(true);
  });
});

describe('head backward matches finite differences', () => {
  for (const hidden of [0, 6]) {
    it(`for a ${hidden ? 'MLP' : 'linear'} head`, () => {
      const shape = { input: 5, hidden, output: 4 };
      const head = randomHead(shape, 11 + hidden);
      const random = seededRandom(5);
      // 6 rows: one 4-row block and two single rows, both code paths.
      const rows = 6;
      const x = Float32Array.from({ length: rows * shape.input }, () => 2 * random() - 1);
      const c = Float32Array.from({ length: rows * shape.output }, () => 2 * random() - 1);
      const ws = new HeadWorkspace(shape, rows);
      forward(head, x, rows, ws);
      const grads = trainable(head).map((t) => new Float32Array(t.length));
      backward(head, c, rows, ws, grads);
      const h = 1e-3;
      let checked = 0;
      trainable(head).forEach((tensor, t) => {
        for (let i = 0; i < tensor.length; i++) {
          const saved = tensor[i];
          tensor[i] = saved + h;
          const up = lossOf(head, x, rows, c);
          tensor[i] = saved - h;
          const down = lossOf(head, x, rows, c);
          tensor[i] = saved;
          const numeric = (up - down) / (2 * h);
          // Central differences in float32 with h = 1e-3 (small, so no ReLU kink is crossed): allow a small error.
          expect(Math.abs(grads[t][i] - numeric)).toBeLessThan(1e-3 + 2e-3 * Math.abs(numeric));
          checked++;
        }
      });
      expect(checked).toBeGreaterThan(10);
      // Not a vacuous check: some gradients are clearly non-zero.
      expect(Math.max(...grads[0].map(Math.abs))).toBeGreaterThan(1e-2);
    });
  }
});
