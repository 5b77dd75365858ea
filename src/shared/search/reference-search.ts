/** Float64 brute-force top-k over dequantised vectors: the answer every kernel must reproduce. */

export interface ReferenceResult {
  indices: number[];
  scores: number[];
}

/**
 * Scores every item i with keep(i) as Σ (center + code × scale) × (query code × query scale) in
 * float64, and returns the best k, equal scores in index order.
 */
export function referenceTopK(
  codes: Int8Array,
  scales: Float32Array,
  dim: number,
  query: ArrayLike<number>,
  qscale: number,
  k: number,
  keep: (i: number) => boolean = () => true,
  center: Float32Array | null = null,
): ReferenceResult {
  const scored: { i: number; score: number }[] = [];
  for (let i = 0; i < scales.length; i++) {
    if (!keep(i)) continue;
    let score = 0;
    for (let j = 0; j < dim; j++) {
      score += ((center?.[j] ?? 0) + codes[i * dim + j] * scales[i]) * (query[j] * qscale);
    }
    scored.push({ i, score });
  }
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  const best = scored.slice(0, k);
  return { indices: best.map((s) => s.i), scores: best.map((s) => s.score) };
}
