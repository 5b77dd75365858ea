/**
 * An SSCD-style contrastive refinement of a learned whitening (Pizzi et al., "A Self-Supervised
 * Descriptor for Image Copy Detection"): P is trained with a symmetric InfoNCE loss, each photo's
 * descriptor against its camera view's, every other photo in the batch a negative, starting from
 * the closed-form whitening. μ stays. The result is a Whitening, so the graph, the file format and
 * the app are unchanged: only P's values move.
 */
import { Adam } from './adam.ts';
import { seededRandom, shuffle } from './seeded-random.ts';
import type { Whitening } from './whitening.ts';

export interface ContrastiveOptions {
  epochs: number;
  /** Photos per batch (distinct photos: a photo's other views are never its negatives). */
  batch: number;
  /** Adam's step, as a share of P's root-mean-square entry (P's scale depends on the features). */
  lr: number;
  /** Softmax temperature of the cosine logits. */
  temperature: number;
  seed: number;
}

export const DEFAULT_CONTRASTIVE: ContrastiveOptions = {
  epochs: 20,
  batch: 256,
  lr: 0.01,
  temperature: 0.05,
  seed: 1,
};

/** Unit rows of P (x − μ) for the rows `ids` of `rows` (count x dim), and their norms. */
function project(w: Whitening, rows: Float32Array, ids: readonly number[]) {
  const { dim, out, mean, projection } = w;
  const x = new Float32Array(ids.length * dim);
  const unit = new Float32Array(ids.length * out);
  const norms = new Float32Array(ids.length);
  ids.forEach((id, b) => {
    for (let j = 0; j < dim; j++) x[b * dim + j] = rows[id * dim + j] - mean[j];
  });
  for (let b = 0; b < ids.length; b++) {
    const xb = x.subarray(b * dim, (b + 1) * dim);
    let norm = 0;
    for (let i = 0; i < out; i++) {
      const p = projection.subarray(i * dim, (i + 1) * dim);
      let s = 0;
      for (let j = 0; j < dim; j++) s += p[j] * xb[j];
      unit[b * out + i] = s;
      norm += s * s;
    }
    norms[b] = Math.max(Math.sqrt(norm), 1e-12);
    for (let i = 0; i < out; i++) unit[b * out + i] /= norms[b];
  }
  return { x, unit, norms };
}

/**
 * Symmetric InfoNCE loss of one batch (pairs row b of `anchors` and of `positives`) and its
 * gradient with respect to P, added into `grad` (out x dim).
 */
export function infoNceStep(
  w: Whitening,
  anchors: Float32Array,
  positives: Float32Array,
  ids: readonly number[],
  temperature: number,
  grad: Float32Array,
): number {
  const { dim, out } = w;
  const B = ids.length;
  const a = project(w, anchors, ids);
  const p = project(w, positives, ids);
  const logits = new Float64Array(B * B);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      let s = 0;
      for (let k = 0; k < out; k++) s += a.unit[i * out + k] * p.unit[j * out + k];
      logits[i * B + j] = s / temperature;
    }
  }
  // dL/dlogits: (row softmax + column softmax − 2·I) / 2B.
  const g = new Float64Array(B * B);
  let loss = 0;
  const softmaxInto = (index: (n: number, m: number) => number) => {
    for (let n = 0; n < B; n++) {
      let max = -Infinity;
      for (let m = 0; m < B; m++) max = Math.max(max, logits[index(n, m)]);
      let sum = 0;
      for (let m = 0; m < B; m++) sum += Math.exp(logits[index(n, m)] - max);
      loss += (max + Math.log(sum) - logits[index(n, n)]) / (2 * B);
      for (let m = 0; m < B; m++) {
        const at = index(n, m);
        g[at] += (Math.exp(logits[at] - max) / sum - (n === m ? 1 : 0)) / (2 * B);
      }
    }
  };
  softmaxInto((i, j) => i * B + j);
  softmaxInto((j, i) => i * B + j);
  // dL/dunit, then through the normalisation: (g − û (û·g)) / |u|; then dL/dP += du xᵀ.
  const side = (self: typeof a, other: typeof a, transpose: boolean) => {
    const du = new Float64Array(out);
    for (let n = 0; n < B; n++) {
      du.fill(0);
      for (let m = 0; m < B; m++) {
        const gnm = (transpose ? g[m * B + n] : g[n * B + m]) / temperature;
        if (gnm === 0) continue;
        for (let k = 0; k < out; k++) du[k] += gnm * other.unit[m * out + k];
      }
      let dot = 0;
      for (let k = 0; k < out; k++) dot += du[k] * self.unit[n * out + k];
      const xn = self.x.subarray(n * dim, (n + 1) * dim);
      for (let k = 0; k < out; k++) {
        const d = (du[k] - self.unit[n * out + k] * dot) / self.norms[n];
        const row = grad.subarray(k * dim, (k + 1) * dim);
        for (let j = 0; j < dim; j++) row[j] += d * xn[j];
      }
    }
  };
  side(a, p, false);
  side(p, a, true);
  return loss;
}

/**
 * P refined by InfoNCE over `pairs` (count x dim anchors and positives, row r a view of photo
 * `photoOf[r]`). Each epoch visits every photo once, with one of its views at random.
 */
export function refineWhitening(
  start: Whitening,
  pairs: { anchors: Float32Array; positives: Float32Array; photoOf: readonly number[] },
  options: ContrastiveOptions,
  log: (line: string) => void = () => {},
): Whitening {
  const w: Whitening = { ...start, projection: start.projection.slice() };
  const random = seededRandom(options.seed);
  const rowsOf = new Map<number, number[]>();
  pairs.photoOf.forEach((photo, row) => rowsOf.set(photo, [...(rowsOf.get(photo) ?? []), row]));
  const photos = [...rowsOf.keys()];
  // Every batch is full (a short last one is dropped), so fewer photos than a batch train nothing.
  if (photos.length < options.batch) {
    throw new RangeError(
      `contrastive refinement: ${photos.length} photos, fewer than a batch of ${options.batch}`,
    );
  }
  const rms = Math.sqrt(w.projection.reduce((sum, v) => sum + v * v, 0) / w.projection.length);
  const adam = new Adam([w.projection], { lr: options.lr * rms });
  const grad = new Float32Array(w.projection.length);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = shuffle(photos, random);
    let loss = 0;
    let batches = 0;
    for (let at = 0; at + options.batch <= order.length; at += options.batch) {
      const ids = order.slice(at, at + options.batch).map((photo) => {
        const rows = rowsOf.get(photo)!;
        return rows[Math.floor(random() * rows.length)];
      });
      grad.fill(0);
      loss += infoNceStep(w, pairs.anchors, pairs.positives, ids, options.temperature, grad);
      adam.step([grad]);
      batches++;
    }
    log(`contrastive epoch ${epoch + 1}/${options.epochs}: loss ${(loss / batches).toFixed(4)}`);
  }
  return w;
}
