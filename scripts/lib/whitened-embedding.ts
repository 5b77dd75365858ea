/**
 * Where whitening sits on the fashion embedding: on all of it, or on its CNN part only, with the
 * colour tail (the last `tail` dims) kept outside and re-weighted beside the whitened part; and
 * whether it replaces the embedding or is appended beside it (`blend`).
 * With a pooled input, the whitening reads [embedding ‖ pooled rows] (scripts/lib/whitening-file.ts).
 * The same function scores candidates on validation and checks the exported graph.
 */
import { whitenRows, type Whitening } from './whitening.ts';

export interface WhitenedLayout {
  /** Colour dims at the end of the embedding kept out of the whitening (0: whiten everything). */
  tail: number;
  /** The unit colour tail's weight beside the unit whitened part (with tail > 0). */
  tailWeight: number;
  /**
   * 0: the whitened embedding replaces the embedding. Above 0: the unit whitened part is
   * appended, times `blend`, after the unwhitened embedding (cosines add, weighted 1 : blend²).
   */
  blend?: number;
}

/**
 * Rows (count x dim, the unwhitened embedding) → unit rows of the whitened embedding. With
 * `pooled` (count x channels unit rows), `whitening` is the joined one, on [rows ‖ pooled].
 */
export function whitenEmbedding(
  whitening: Whitening,
  layout: WhitenedLayout,
  rows: Float32Array,
  dim: number,
  pooled?: { rows: Float32Array; dim: number },
): Float32Array {
  if (pooled && layout.tail)
    throw new RangeError('a pooled input needs a whitening of the whole embedding');
  const white = pooled
    ? whitenRows(whitening, withPooledInput(rows, dim, pooled.rows, pooled.dim))
    : whitenedPart(whitening, layout, rows, dim);
  return layout.blend
    ? appended(rows, dim, white, white.length / (rows.length / dim), layout.blend)
    : white;
}

/** Rows [a, w · b] (a: count x da unit rows, b: count x db unit rows), unit again. */
function appended(
  a: Float32Array,
  da: number,
  b: Float32Array,
  db: number,
  w: number,
): Float32Array {
  const count = a.length / da;
  const width = da + db;
  const out = new Float32Array(count * width);
  const scale = 1 / Math.sqrt(1 + w * w);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < da; j++) out[r * width + j] = scale * a[r * da + j];
    for (let j = 0; j < db; j++) out[r * width + da + j] = scale * w * b[r * db + j];
  }
  return out;
}

function whitenedPart(
  whitening: Whitening,
  layout: WhitenedLayout,
  rows: Float32Array,
  dim: number,
): Float32Array {
  const count = rows.length / dim;
  const { tail, tailWeight } = layout;
  if (!tail) return whitenRows(whitening, rows);
  const head = dim - tail;
  if (whitening.dim !== head)
    throw new RangeError(`whitening takes ${whitening.dim} dims, not ${head}`);
  const cnn = new Float32Array(count * head);
  for (let r = 0; r < count; r++) cnn.set(rows.subarray(r * dim, r * dim + head), r * head);
  const white = whitenRows(whitening, cnn);
  const width = whitening.out + tail;
  const out = new Float32Array(count * width);
  for (let r = 0; r < count; r++) {
    out.set(white.subarray(r * whitening.out, (r + 1) * whitening.out), r * width);
    const colour = rows.subarray(r * dim + head, (r + 1) * dim);
    const scale = tailWeight / (Math.hypot(...colour) || 1);
    for (let j = 0; j < tail; j++) out[r * width + whitening.out + j] = scale * colour[j];
    const row = out.subarray(r * width, (r + 1) * width);
    const norm = Math.hypot(...row) || 1;
    for (let j = 0; j < width; j++) row[j] /= norm;
  }
  return out;
}

/** The CNN part (all but the tail) of count x dim rows. */
export function withoutTail(rows: Float32Array, dim: number, tail: number): Float32Array {
  if (!tail) return rows;
  const count = rows.length / dim;
  const out = new Float32Array(count * (dim - tail));
  for (let r = 0; r < count; r++)
    out.set(rows.subarray(r * dim, (r + 1) * dim - tail), r * (dim - tail));
  return out;
}

/** Rows [embedding ‖ pooled input] (count x (dim + channels)): what the whitening reads. */
export function withPooledInput(
  embedding: Float32Array,
  dim: number,
  pooled: Float32Array,
  channels: number,
): Float32Array {
  const count = embedding.length / dim;
  const width = dim + channels;
  const out = new Float32Array(count * width);
  for (let r = 0; r < count; r++) {
    out.set(embedding.subarray(r * dim, (r + 1) * dim), r * width);
    out.set(pooled.subarray(r * channels, (r + 1) * channels), r * width + dim);
  }
  return out;
}
