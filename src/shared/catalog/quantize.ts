/** L2-normalisation and int8 quantisation of embeddings: per-vector symmetric scale, catalog and query side. */

/** Catalog codes use the full symmetric int8 range. */
export const CATALOG_CODE_MAX = 127;
/**
 * Query codes use 7 bits (±63): relaxed SIMD's i8×i7 dot product is exact only for an operand in
 * [0, 127], and the kernel feeds it `code + 64`. Every backend uses the same codes, so all agree.
 */
export const QUERY_CODE_MAX = 63;

export class QuantizeError extends Error {
  override name = 'QuantizeError';
}

export interface QuantizedVectors {
  /** Row-major codes, `dim` per vector, in [-127, 127]. */
  codes: Int8Array;
  /** Per vector: value = code × scale (of the L2-normalised vector). */
  scales: Float32Array;
}

/**
 * Quantises `row` (length dim) into `out`: normalises, then maps max|x| to ±codeMax.
 * Returns the scale such that code × scale ≈ x / ‖x‖ (0 for a zero vector).
 */
function quantizeRow(row: ArrayLike<number>, out: Int8Array, codeMax: number): number {
  const dim = out.length;
  let sumSquares = 0;
  let max = 0;
  for (let j = 0; j < dim; j++) {
    const x = row[j];
    if (!Number.isFinite(x)) throw new QuantizeError(`vector component ${j} is ${x}`);
    sumSquares += x * x;
    const abs = Math.abs(x);
    if (abs > max) max = abs;
  }
  if (max === 0) {
    out.fill(0);
    return 0;
  }
  const toCode = codeMax / max;
  for (let j = 0; j < dim; j++) {
    const code = Math.round(row[j] * toCode);
    out[j] = code > codeMax ? codeMax : code < -codeMax ? -codeMax : code;
  }
  return max / codeMax / Math.sqrt(sumSquares);
}

/** Normalises and quantises `count = vectors.length / dim` catalog vectors. */
export function quantizeVectors(vectors: Float32Array, dim: number): QuantizedVectors {
  if (!Number.isInteger(dim) || dim < 1) throw new QuantizeError(`dim must be a positive integer`);
  if (vectors.length % dim !== 0) {
    throw new QuantizeError(`${vectors.length} values are not a whole number of ${dim}-d vectors`);
  }
  const count = vectors.length / dim;
  const codes = new Int8Array(count * dim);
  const scales = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const span = i * dim;
    scales[i] = quantizeRow(
      vectors.subarray(span, span + dim),
      codes.subarray(span, span + dim),
      CATALOG_CODE_MAX,
    );
  }
  return { codes, scales };
}

/**
 * Quantises a query into `outCodes` (its length is the dim) with codes in [-63, 63], without
 * allocating. Returns the scale (already divided by ‖query‖, so scores are cosines).
 */
export function quantizeQuery(query: ArrayLike<number>, outCodes: Int8Array): number {
  if (query.length !== outCodes.length) {
    throw new QuantizeError(`query has ${query.length} values, expected ${outCodes.length}`);
  }
  return Math.fround(quantizeRow(query, outCodes, QUERY_CODE_MAX));
}

/** code × scale per component: the vectors the int8 index actually holds (for references and tests). */
export function dequantize(codes: Int8Array, scales: Float32Array, dim: number): Float32Array {
  if (codes.length !== scales.length * dim) {
    throw new QuantizeError(`${codes.length} codes do not match ${scales.length} × ${dim}`);
  }
  const out = new Float32Array(codes.length);
  for (let i = 0; i < scales.length; i++) {
    const scale = scales[i];
    for (let j = i * dim; j < (i + 1) * dim; j++) out[j] = codes[j] * scale;
  }
  return out;
}

/** Scales each vector to unit length in place (zero vectors stay zero); returns the same array. */
export function normalizeVectors(vectors: Float32Array, dim: number): Float32Array {
  for (let span = 0; span < vectors.length; span += dim) {
    let sumSquares = 0;
    for (let j = span; j < span + dim; j++) sumSquares += vectors[j] * vectors[j];
    if (sumSquares === 0) continue;
    const inverse = 1 / Math.sqrt(sumSquares);
    for (let j = span; j < span + dim; j++) vectors[j] *= inverse;
  }
  return vectors;
}
