/**
 * Learned whitening from matched pairs (Radenović et al., "Fine-tuning CNN Image Retrieval with
 * No Human Annotation"): descriptors of one item under different views should differ little,
 * descriptors of different items a lot. C_S^-1/2 flattens the within-pair variation; a rotation
 * to the principal axes of what is left orders the dimensions (a cut keeps the first). Applied as
 * x ↦ normalise(P (x − μ)).
 */
import { symmetricEigen } from './symmetric-eigen.ts';

export interface Whitening {
  /** Input width. */
  dim: number;
  /** Output width (≤ dim). */
  out: number;
  /** μ: subtracted before the projection. */
  mean: Float32Array;
  /** P: out x dim, row-major. */
  projection: Float32Array;
}

export interface WhiteningOptions {
  /** Shrinks C_S towards (trace / dim) · I by this share (0: none): few pairs, many dimensions. */
  shrinkage: number;
  /** Dimensions kept, the largest principal ones first (default: all). */
  out?: number;
}

/** Σ rows rowsᵀ / count (dim x dim, float64) of `rows` minus `mean` (count x dim). */
function scatter(rows: Float64Array, count: number, dim: number): Float64Array {
  const c = new Float64Array(dim * dim);
  for (let r = 0; r < count; r++) {
    const x = rows.subarray(r * dim, (r + 1) * dim);
    for (let i = 0; i < dim; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      const row = i * dim;
      for (let j = i; j < dim; j++) c[row + j] += xi * x[j];
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) c[j * dim + i] = c[i * dim + j] /= count;
  }
  return c;
}

/** C^-1/2 of a symmetric positive-definite matrix. */
function inverseSqrt(c: Float64Array, dim: number): Float64Array {
  const { values, vectors } = symmetricEigen(c, dim);
  const out = new Float64Array(dim * dim);
  for (let k = 0; k < dim; k++) {
    const s = 1 / Math.sqrt(Math.max(values[k], 1e-12 * values[0]));
    const e = vectors.subarray(k * dim, (k + 1) * dim);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) out[i * dim + j] += s * e[i] * e[j];
  }
  return out;
}

/** Rows of `m` (a x b) times each row of `rows` (count x b): count x a. */
function project(m: Float64Array, a: number, b: number, rows: Float64Array): Float64Array {
  const count = rows.length / b;
  const out = new Float64Array(count * a);
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < a; i++) {
      let s = 0;
      for (let j = 0; j < b; j++) s += m[i * b + j] * rows[r * b + j];
      out[r * a + i] = s;
    }
  }
  return out;
}

/** Learns μ and P from count x dim `anchors` and the `positives` matched to them row by row. */
export function learnWhitening(
  anchors: Float32Array,
  positives: Float32Array,
  dim: number,
  options: WhiteningOptions,
): Whitening {
  const n = anchors.length / dim;
  if (positives.length !== anchors.length || !Number.isInteger(n) || n < 2) {
    throw new RangeError('whitening needs matched count x dim anchors and positives');
  }
  const out = options.out ?? dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n * dim; i++) mean[i % dim] += (anchors[i] + positives[i]) / (2 * n);
  const differences = Float64Array.from(anchors, (a, i) => a - positives[i]);
  const within = scatter(differences, n, dim);
  let trace = 0;
  for (let i = 0; i < dim; i++) trace += within[i * dim + i];
  for (let i = 0; i < dim * dim; i++) within[i] *= 1 - options.shrinkage;
  for (let i = 0; i < dim; i++) within[i * dim + i] += (options.shrinkage * trace) / dim;
  const w1 = inverseSqrt(within, dim);
  const centred = new Float64Array(2 * n * dim);
  for (let i = 0; i < n * dim; i++) {
    centred[i] = anchors[i] - mean[i % dim];
    centred[n * dim + i] = positives[i] - mean[i % dim];
  }
  const { vectors } = symmetricEigen(scatter(project(w1, dim, dim, centred), 2 * n, dim), dim);
  // P = (the first `out` principal axes)ᵀ · C_S^-1/2.
  const projection = new Float32Array(project(w1, dim, dim, vectors.subarray(0, out * dim)));
  return { dim, out, mean: Float32Array.from(mean), projection };
}

/** normalise(P (x − μ)) of every count x dim row: count x out unit rows. */
export function whitenRows(whitening: Whitening, rows: Float32Array): Float32Array {
  const { dim, out, mean, projection } = whitening;
  const count = rows.length / dim;
  const result = new Float32Array(count * out);
  const x = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < dim; j++) x[j] = rows[r * dim + j] - mean[j];
    let norm = 0;
    for (let i = 0; i < out; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += projection[i * dim + j] * x[j];
      result[r * out + i] = s;
      norm += s * s;
    }
    const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
    for (let i = 0; i < out; i++) result[r * out + i] *= scale;
  }
  return result;
}
