/** Validation during training: exact float search of held-out photographers' photos, mAP@10 and P@5. */
import { averagePrecisionAtK, precisionAtK, topK } from '../../src/shared/metrics/retrieval.ts';

export interface ValidationScores {
  mapAt10: number;
  pAt5: number;
}

/**
 * Ranks `catalog` rows (unit vectors) for every `queries` row by cosine and scores the top 10
 * by label. Queries whose label the catalog lacks count as 0.
 */
export function validate(
  queries: Float32Array,
  queryLabels: readonly string[],
  catalog: Float32Array,
  catalogLabels: readonly string[],
  dim: number,
): ValidationScores {
  const n = catalogLabels.length;
  const counts = new Map<string, number>();
  for (const label of catalogLabels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const scores = new Float32Array(n);
  let map = 0;
  let p5 = 0;
  for (let q = 0; q < queryLabels.length; q++) {
    const qo = q * dim;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += queries[qo + j] * catalog[i * dim + j];
      scores[i] = dot;
    }
    const ranked = topK(scores, 10).map((i) => catalogLabels[i] === queryLabels[q]);
    map += averagePrecisionAtK(ranked, 10, counts.get(queryLabels[q]) ?? 0);
    p5 += precisionAtK(ranked, 5);
  }
  const m = Math.max(1, queryLabels.length);
  return { mapAt10: map / m, pAt5: p5 / m };
}
