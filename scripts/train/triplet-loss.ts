/**
 * Batch-hard triplet loss (Hermans et al. 2017) on unit embeddings: for every anchor, its
 * farthest same-label and nearest other-label embedding in the batch. Hinge or soft margin.
 */

/** A margin in embedding distance, or 'soft' for log(1 + exp(d_ap - d_an)). */
export type Margin = number | 'soft';

export interface TripletResult {
  loss: number;
  /** Anchors whose hardest triplet still violates the margin (contributes a gradient). */
  active: number;
  /** Anchors with at least one positive and one negative in the batch. */
  anchors: number;
}

/** Scratch space for one batch size. */
export class TripletWorkspace {
  readonly distances: Float32Array;
  constructor(readonly rows: number) {
    this.distances = new Float32Array(rows * rows);
  }
}

const EPSILON = 1e-12;

/**
 * Loss of the unit rows `e` (rows x dim) with `labels`, and dLoss/de written into `grad`.
 * The loss is the mean over anchors that have both a positive and a negative.
 */
export function batchHardTriplet(
  e: Float32Array,
  labels: ArrayLike<number>,
  rows: number,
  dim: number,
  margin: Margin,
  grad: Float32Array,
  ws: TripletWorkspace,
): TripletResult {
  const d = ws.distances;
  // For unit vectors |a - b| = sqrt(2 - 2 a.b); the sqrt keeps the margin in distance units.
  for (let a = 0; a < rows; a++) {
    d[a * rows + a] = 0;
    for (let b = a + 1; b < rows; b++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += e[a * dim + j] * e[b * dim + j];
      const dist = Math.sqrt(Math.max(2 - 2 * dot, 0) + EPSILON);
      d[a * rows + b] = dist;
      d[b * rows + a] = dist;
    }
  }
  grad.fill(0, 0, rows * dim);
  let loss = 0;
  let active = 0;
  let anchors = 0;
  const pending: [number, number, number, number][] = [];
  for (let a = 0; a < rows; a++) {
    let pos = -1;
    let neg = -1;
    for (let b = 0; b < rows; b++) {
      if (b === a) continue;
      if (labels[b] === labels[a]) {
        if (pos < 0 || d[a * rows + b] > d[a * rows + pos]) pos = b;
      } else if (neg < 0 || d[a * rows + b] < d[a * rows + neg]) neg = b;
    }
    if (pos < 0 || neg < 0) continue;
    anchors++;
    const x = d[a * rows + pos] - d[a * rows + neg];
    let weight: number;
    if (margin === 'soft') {
      loss += x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
      weight = 1 / (1 + Math.exp(-x));
      if (x > 0) active++;
    } else {
      const hinge = margin + x;
      if (hinge <= 0) continue;
      loss += hinge;
      weight = 1;
      active++;
    }
    pending.push([a, pos, neg, weight]);
  }
  if (!anchors) return { loss: 0, active: 0, anchors: 0 };
  // d(dist_ab)/de_a = -e_b / dist_ab (and symmetrically), from dist = sqrt(2 - 2 a.b).
  for (const [a, pos, neg, weight] of pending) {
    const w = weight / anchors;
    const dp = d[a * rows + pos];
    const dn = d[a * rows + neg];
    for (let j = 0; j < dim; j++) {
      const ea = e[a * dim + j];
      const ep = e[pos * dim + j];
      const en = e[neg * dim + j];
      grad[a * dim + j] += w * (-ep / dp + en / dn);
      grad[pos * dim + j] += (w * -ea) / dp;
      grad[neg * dim + j] += (w * ea) / dn;
    }
  }
  return { loss: loss / anchors, active, anchors };
}
