import { describe, expect, it } from 'vitest';
import { seededRandom } from '../lib/seeded-random.ts';
import { batchHardTriplet, TripletWorkspace } from './triplet-loss.ts';

const unit = (angle: number) => [Math.cos(angle), Math.sin(angle)];

describe('batchHardTriplet', () => {
  // Four unit vectors on a circle at 0, 60, 90 and 180 degrees, labels a a b b.
  const e = Float32Array.from([0, 60, 90, 180].flatMap((deg) => unit((deg * Math.PI) / 180)));
  const labels = [0, 0, 1, 1];
  const chord = (deg: number) => 2 * Math.sin((deg * Math.PI) / 360);

  it('picks the farthest positive and nearest negative of every anchor (hinge)', () => {
    const grad = new Float32Array(8);
    const result = batchHardTriplet(e, labels, 4, 2, 0.2, grad, new TripletWorkspace(4));
    // Anchor 0: pos 60 deg, neg 90 deg. Anchor 1: pos 60, neg 30. Anchor 2: pos 90, neg 30.
    // Anchor 3: pos 90, neg 120 (from 60 deg).
    const terms = [
      chord(60) - chord(90),
      chord(60) - chord(30),
      chord(90) - chord(30),
      chord(90) - chord(120),
    ].map((x) => Math.max(0, 0.2 + x));
    expect(result.anchors).toBe(4);
    expect(result.active).toBe(terms.filter((t) => t > 0).length);
    expect(result.loss).toBeCloseTo(terms.reduce((a, b) => a + b) / 4, 5);
  });

  it('uses log(1 + exp(d_ap - d_an)) for the soft margin', () => {
    const grad = new Float32Array(8);
    const result = batchHardTriplet(e, labels, 4, 2, 'soft', grad, new TripletWorkspace(4));
    const xs = [
      chord(60) - chord(90),
      chord(60) - chord(30),
      chord(90) - chord(30),
      chord(90) - chord(120),
    ];
    expect(result.loss).toBeCloseTo(xs.reduce((s, x) => s + Math.log1p(Math.exp(x)), 0) / 4, 5);
    expect(result.active).toBe(xs.filter((x) => x > 0).length);
  });

  it('ignores anchors without a positive and gives zero loss when margins hold', () => {
    const apart = Float32Array.from([...unit(0), ...unit(0.01), ...unit(Math.PI), ...unit(3)]);
    const grad = new Float32Array(8).fill(7);
    const result = batchHardTriplet(apart, [0, 0, 1, 2], 4, 2, 0.5, grad, new TripletWorkspace(4));
    expect(result.anchors).toBe(2);
    expect(result.active).toBe(0);
    expect(result.loss).toBe(0);
    expect(Array.from(grad)).toEqual(new Array(8).fill(0));
  });

  for (const margin of [0.3, 'soft'] as const) {
    it(`has gradients that match finite differences (margin ${margin})`, () => {
      const random = seededRandom(3);
      const rows = 6;
      const dim = 4;
      const x = Float32Array.from({ length: rows * dim }, () => 2 * random() - 1);
      for (let r = 0; r < rows; r++) {
        const n = Math.hypot(...x.subarray(r * dim, (r + 1) * dim));
        for (let j = 0; j < dim; j++) x[r * dim + j] /= n;
      }
      const labels = [0, 0, 1, 1, 2, 2];
      const ws = new TripletWorkspace(rows);
      const grad = new Float32Array(rows * dim);
      const base = batchHardTriplet(x, labels, rows, dim, margin, grad, ws);
      expect(base.active).toBeGreaterThan(0);
      const scratch = new Float32Array(rows * dim);
      const h = 1e-3;
      for (let i = 0; i < x.length; i++) {
        const saved = x[i];
        x[i] = saved + h;
        const up = batchHardTriplet(x, labels, rows, dim, margin, scratch, ws).loss;
        x[i] = saved - h;
        const down = batchHardTriplet(x, labels, rows, dim, margin, scratch, ws).loss;
        x[i] = saved;
        expect(grad[i]).toBeCloseTo((up - down) / (2 * h), 2);
      }
    });
  }
});
