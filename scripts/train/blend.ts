/**
 * The head's final step when the recipe blends in a raw backbone layer: [head embedding, weight
 * x unit raw vector], L2-normalised. Cosines become (head.head' + weight^2 raw.raw') / (1 + weight^2).
 */

export function blendEmbeddings(
  head: Float32Array,
  headDim: number,
  raw: Float32Array,
  rawDim: number,
  weight: number,
): Float32Array {
  const rows = head.length / headDim;
  if (raw.length !== rows * rawDim) throw new RangeError('blend: row counts differ');
  const dim = headDim + rawDim;
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let j = 0; j < headDim; j++) h += head[r * headDim + j] ** 2;
    let w = 0;
    for (let j = 0; j < rawDim; j++) w += raw[r * rawDim + j] ** 2;
    const hs = h > 0 ? 1 / Math.sqrt(h) : 0;
    const ws = w > 0 ? weight / Math.sqrt(w) : 0;
    // Parts of norm 1 and weight: the whole has norm sqrt(1 + weight^2) (when neither is zero).
    let norm = 0;
    for (let j = 0; j < headDim; j++) norm += (head[r * headDim + j] * hs) ** 2;
    for (let j = 0; j < rawDim; j++) norm += (raw[r * rawDim + j] * ws) ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < headDim; j++) out[r * dim + j] = head[r * headDim + j] * hs * inv;
    for (let j = 0; j < rawDim; j++) out[r * dim + headDim + j] = raw[r * rawDim + j] * ws * inv;
  }
  return out;
}
