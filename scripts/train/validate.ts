/**
 * Validation during training: exact float search of held-out photographers' photos (mAP@10 and
 * P@5 by label) and instance R@1 of camera-style queries.
 */
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
  // Four queries per pass over the catalog: the catalog rows are the memory traffic.
  const scores = [0, 1, 2, 3].map(() => new Float32Array(n));
  let map = 0;
  let p5 = 0;
  for (let q0 = 0; q0 < queryLabels.length; q0 += 4) {
    const count = Math.min(4, queryLabels.length - q0);
    for (let i = 0; i < n; i++) {
      const row = i * dim;
      for (let b = 0; b < count; b++) {
        const qo = (q0 + b) * dim;
        let dot = 0;
        for (let j = 0; j < dim; j++) dot += queries[qo + j] * catalog[row + j];
        scores[b][i] = dot;
      }
    }
    for (let b = 0; b < count; b++) {
      const label = queryLabels[q0 + b];
      const ranked = topK(scores[b], 10).map((i) => catalogLabels[i] === label);
      map += averagePrecisionAtK(ranked, 10, counts.get(label) ?? 0);
      p5 += precisionAtK(ranked, 5);
    }
  }
  const m = Math.max(1, queryLabels.length);
  return { mapAt10: map / m, pAt5: p5 / m };
}

/** Share of camera queries whose nearest catalog row (cosine) is their original. */
export function instanceRecallAt1(
  camera: Float32Array,
  catalog: Float32Array,
  dim: number,
  originals: readonly number[],
): number {
  const n = catalog.length / dim;
  let hits = 0;
  originals.forEach((original, q) => {
    let best = -Infinity;
    let bestIndex = -1;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += camera[q * dim + j] * catalog[i * dim + j];
      if (dot > best) [best, bestIndex] = [dot, i];
    }
    if (bestIndex === original) hits++;
  });
  return hits / Math.max(1, originals.length);
}
