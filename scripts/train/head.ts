/**
 * The fashion head on frozen backbone features: standardise, then a linear projection or a
 * one-hidden-layer MLP, then L2-normalise. Forward and backward in plain Float32Array loops.
 */
import { firstWidth, type HeadShape, type HeadWeights } from '../lib/head-weights.ts';

const NORM_EPSILON = 1e-12;

/** The trainable tensors in a fixed order (for the optimiser and the weights file). */
export const trainable = (h: HeadWeights): Float32Array[] =>
  h.shape.hidden ? [h.w1, h.b1, h.w2, h.b2] : [h.w1, h.b1];

/** Per-feature mean and 1/std over rows of `features` (std floored so dead features stay finite). */
export function standardisation(features: Float32Array, dim: number) {
  const n = features.length / dim;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < dim; i++) mean[i] += features[r * dim + i];
  }
  for (let i = 0; i < dim; i++) mean[i] /= n;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < dim; i++) sq[i] += (features[r * dim + i] - mean[i]) ** 2;
  }
  const invStd = new Float32Array(dim);
  for (let i = 0; i < dim; i++) invStd[i] = 1 / Math.max(Math.sqrt(sq[i] / n), 1e-6);
  return { mean: Float32Array.from(mean), invStd };
}

/** Activations one forward pass keeps for the backward pass; sized once for a batch. */
export class HeadWorkspace {
  readonly rows: number;
  readonly x: Float32Array;
  readonly a1: Float32Array;
  readonly z: Float32Array;
  readonly norms: Float32Array;
  readonly embeddings: Float32Array;
  readonly gradZ: Float32Array;
  readonly gradA1: Float32Array;

  constructor(shape: HeadShape, rows: number) {
    this.rows = rows;
    this.x = new Float32Array(rows * shape.input);
    this.a1 = new Float32Array(rows * firstWidth(shape));
    this.z = new Float32Array(rows * shape.output);
    this.norms = new Float32Array(rows);
    this.embeddings = new Float32Array(rows * shape.output);
    this.gradZ = new Float32Array(rows * shape.output);
    this.gradA1 = new Float32Array(rows * firstWidth(shape));
  }
}

/**
 * out[r] = bias + in[r] * w, for `rows` rows; w is [inDim x outDim]. Four rows share each pass
 * over a weight row, which quarters the weight traffic (the loop's bottleneck).
 */
function affine(
  input: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  rows: number,
  inDim: number,
  outDim: number,
  out: Float32Array,
): void {
  for (let r = 0; r < rows; r++) out.set(bias, r * outDim);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o0 = r * outDim;
    const o1 = o0 + outDim;
    const o2 = o1 + outDim;
    const o3 = o2 + outDim;
    for (let i = 0; i < inDim; i++) {
      const v0 = input[r * inDim + i];
      const v1 = input[(r + 1) * inDim + i];
      const v2 = input[(r + 2) * inDim + i];
      const v3 = input[(r + 3) * inDim + i];
      const wRow = i * outDim;
      for (let j = 0; j < outDim; j++) {
        const wij = w[wRow + j];
        out[o0 + j] += v0 * wij;
        out[o1 + j] += v1 * wij;
        out[o2 + j] += v2 * wij;
        out[o3 + j] += v3 * wij;
      }
    }
  }
  for (; r < rows; r++) {
    const o = r * outDim;
    for (let i = 0; i < inDim; i++) {
      const v = input[r * inDim + i];
      const wRow = i * outDim;
      for (let j = 0; j < outDim; j++) out[o + j] += v * w[wRow + j];
    }
  }
}

/**
 * Embeds `rows` feature rows into `ws.embeddings` (unit rows). `features` may hold more rows
 * than the workspace; `rows` must not exceed it.
 */
export function forward(
  head: HeadWeights,
  features: Float32Array,
  rows: number,
  ws: HeadWorkspace,
): Float32Array {
  const { input, hidden, output } = head.shape;
  if (rows > ws.rows) throw new RangeError(`forward: ${rows} rows, workspace holds ${ws.rows}`);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < input; i++) {
      const k = r * input + i;
      ws.x[k] = (features[k] - head.mean[i]) * head.invStd[i];
    }
  }
  if (hidden) {
    affine(ws.x, head.w1, head.b1, rows, input, hidden, ws.a1);
    for (let k = 0; k < rows * hidden; k++) if (ws.a1[k] < 0) ws.a1[k] = 0;
    affine(ws.a1, head.w2, head.b2, rows, hidden, output, ws.z);
  } else {
    affine(ws.x, head.w1, head.b1, rows, input, output, ws.z);
  }
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < output; j++) sum += ws.z[r * output + j] ** 2;
    const norm = Math.max(Math.sqrt(sum), NORM_EPSILON);
    ws.norms[r] = norm;
    for (let j = 0; j < output; j++) ws.embeddings[r * output + j] = ws.z[r * output + j] / norm;
  }
  return ws.embeddings;
}

/**
 * Backpropagates dLoss/dEmbeddings (`gradE`, rows x output) of the last forward pass into
 * `grads` (same order as `trainable`), overwriting them.
 */
export function backward(
  head: HeadWeights,
  gradE: Float32Array,
  rows: number,
  ws: HeadWorkspace,
  grads: Float32Array[],
): void {
  const { input, hidden, output } = head.shape;
  // Through e = z / |z|: dz = (de - (de . e) e) / |z|.
  for (let r = 0; r < rows; r++) {
    const o = r * output;
    let dot = 0;
    for (let j = 0; j < output; j++) dot += gradE[o + j] * ws.embeddings[o + j];
    for (let j = 0; j < output; j++) {
      ws.gradZ[o + j] = (gradE[o + j] - dot * ws.embeddings[o + j]) / ws.norms[r];
    }
  }
  for (const g of grads) g.fill(0);
  const [gw1, gb1, gw2, gb2] = grads;
  let gradFirst = ws.gradZ;
  if (hidden) {
    accumulateWeights(ws.a1, ws.gradZ, rows, hidden, output, gw2, gb2);
    // dA1 = dZ w2^T, masked by the ReLU.
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < hidden; i++) {
        const k = r * hidden + i;
        if (ws.a1[k] <= 0) {
          ws.gradA1[k] = 0;
          continue;
        }
        let sum = 0;
        for (let j = 0; j < output; j++) sum += ws.gradZ[r * output + j] * head.w2[i * output + j];
        ws.gradA1[k] = sum;
      }
    }
    gradFirst = ws.gradA1;
  }
  accumulateWeights(ws.x, gradFirst, rows, input, firstWidth(head.shape), gw1, gb1);
}

/** gw += in^T grad, gb += column sums of grad (four rows per pass over gw, as in affine). */
function accumulateWeights(
  input: Float32Array,
  grad: Float32Array,
  rows: number,
  inDim: number,
  outDim: number,
  gw: Float32Array,
  gb: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < outDim; j++) gb[j] += grad[r * outDim + j];
  }
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o0 = r * outDim;
    const o1 = o0 + outDim;
    const o2 = o1 + outDim;
    const o3 = o2 + outDim;
    for (let i = 0; i < inDim; i++) {
      const v0 = input[r * inDim + i];
      const v1 = input[(r + 1) * inDim + i];
      const v2 = input[(r + 2) * inDim + i];
      const v3 = input[(r + 3) * inDim + i];
      const wRow = i * outDim;
      for (let j = 0; j < outDim; j++) {
        gw[wRow + j] +=
          v0 * grad[o0 + j] + v1 * grad[o1 + j] + v2 * grad[o2 + j] + v3 * grad[o3 + j];
      }
    }
  }
  for (; r < rows; r++) {
    const o = r * outDim;
    for (let i = 0; i < inDim; i++) {
      const v = input[r * inDim + i];
      const wRow = i * outDim;
      for (let j = 0; j < outDim; j++) gw[wRow + j] += v * grad[o + j];
    }
  }
}

/** Embeds any number of rows in chunks, into a new array (for validation and export checks). */
export function embedAll(head: HeadWeights, features: Float32Array, chunk = 256): Float32Array {
  const { input, output } = head.shape;
  const n = features.length / input;
  const out = new Float32Array(n * output);
  const ws = new HeadWorkspace(head.shape, Math.min(chunk, Math.max(1, n)));
  for (let start = 0; start < n; start += ws.rows) {
    const rows = Math.min(ws.rows, n - start);
    const part = features.subarray(start * input, (start + rows) * input);
    out.set(forward(head, part, rows, ws).subarray(0, rows * output), start * output);
  }
  return out;
}
