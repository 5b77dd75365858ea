/**
 * Neighbour averaging of the label part (validation study, issue 16): database-side augmentation
 * (DBA: each catalog row's label part becomes the weighted mean of its own and its k nearest
 * rows') and α query expansion (αQE: the query's label part, the same with its k nearest
 * catalog rows), after Radenović et al. Weights are cosine^α, the row itself weight 1. Only the
 * dims before the instance part move, renormalised to their old length, so the instance part
 * (what finds the same item) is untouched.
 */
import { searchAllScored } from './float-scores.ts';

export interface NeighbourAverage {
  /** Neighbours averaged in (0: none). */
  k: number;
  /** Weight exponent on their label-part cosine. */
  alpha: number;
}

/** The label part of each row: dims [0, labelDims), as unit vectors (rows × labelDims). */
function labelRows(rows: Float32Array, dim: number, labelDims: number): Float32Array {
  const n = rows.length / dim;
  const out = new Float32Array(n * labelDims);
  for (let i = 0; i < n; i++) {
    const from = rows.subarray(i * dim, i * dim + labelDims);
    let norm = 0;
    for (const x of from) norm += x * x;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < labelDims; j++) out[i * labelDims + j] = from[j] * scale;
  }
  return out;
}

/**
 * `rows` (rows × dim) with each label part replaced by the cosine^α-weighted mean of itself and
 * its `k` nearest `pool` rows by label part (`skipSelf` when rows and pool are the same rows).
 */
export function averageNeighbours(
  rows: Float32Array,
  pool: Float32Array,
  dim: number,
  labelDims: number,
  { k, alpha }: NeighbourAverage,
  skipSelf: boolean,
): Float32Array {
  const out = rows.slice();
  if (k === 0) return out;
  const own = labelRows(rows, dim, labelDims);
  const others = labelRows(pool, dim, labelDims);
  const hits = searchAllScored(own, others, labelDims, k + (skipSelf ? 1 : 0));
  const n = rows.length / dim;
  const mean = new Float64Array(labelDims);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < labelDims; j++) mean[j] = own[i * labelDims + j];
    let taken = 0;
    for (let h = 0; h < hits[i].indices.length && taken < k; h++) {
      const other = hits[i].indices[h];
      if (skipSelf && other === i) continue;
      const weight = Math.max(0, hits[i].scores[h]) ** alpha;
      for (let j = 0; j < labelDims; j++) mean[j] += weight * others[other * labelDims + j];
      taken++;
    }
    let norm = 0;
    for (const x of mean) norm += x * x;
    let oldNorm = 0;
    for (let j = 0; j < labelDims; j++) oldNorm += rows[i * dim + j] ** 2;
    const scale = norm > 0 ? Math.sqrt(oldNorm / norm) : 0;
    for (let j = 0; j < labelDims; j++) out[i * dim + j] = mean[j] * scale;
  }
  return out;
}
