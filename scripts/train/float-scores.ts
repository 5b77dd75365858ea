/**
 * Validation scores of one descriptor candidate by exact float search: label P@5 and mAP@10,
 * "looks alike" P@5 (label and colour family), and instance R@1 / R@5 of camera queries.
 */
import { averagePrecisionAtK, precisionAtK, topK } from '../../src/shared/metrics/retrieval.ts';
import { looksAlikePrecisionAt5 } from '../../src/shared/metrics/looks-alike.ts';

export interface CandidateScores {
  pAt5: number;
  mapAt10: number;
  looksAlikePAt5: number;
  instanceR1: number;
  instanceR5: number;
}

export interface ScoredSide {
  vectors: Float32Array;
  labels: readonly string[];
  colours: readonly string[];
}

/** Top `k` catalog rows by dot product for every query row, best first, with their scores. */
export function searchAllScored(
  queries: Float32Array,
  catalog: Float32Array,
  dim: number,
  k: number,
): { indices: Int32Array; scores: Float32Array }[] {
  const n = catalog.length / dim;
  const scores = new Float32Array(n);
  const out: { indices: Int32Array; scores: Float32Array }[] = [];
  for (let q = 0; q < queries.length / dim; q++) {
    const query = queries.subarray(q * dim, (q + 1) * dim);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      const row = i * dim;
      for (let j = 0; j < dim; j++) dot += query[j] * catalog[row + j];
      scores[i] = dot;
    }
    const top = topK(scores, k);
    out.push({ indices: Int32Array.from(top), scores: Float32Array.from(top, (i) => scores[i]) });
  }
  return out;
}

/** Top `k` catalog rows by dot product for every query row. */
export function searchAll(
  queries: Float32Array,
  catalog: Float32Array,
  dim: number,
  k: number,
): number[][] {
  return searchAllScored(queries, catalog, dim, k).map((hits) => Array.from(hits.indices));
}

export function scoreCandidate(
  catalog: ScoredSide,
  queries: ScoredSide,
  camera: { vectors: Float32Array; originals: readonly number[] },
  dim: number,
): CandidateScores {
  const counts = new Map<string, number>();
  for (const label of catalog.labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const top = searchAll(queries.vectors, catalog.vectors, dim, 10);
  let p5 = 0;
  let map = 0;
  top.forEach((indices, q) => {
    const ranked = indices.map((i) => catalog.labels[i] === queries.labels[q]);
    p5 += precisionAtK(ranked, 5);
    map += averagePrecisionAtK(ranked, 10, counts.get(queries.labels[q]) ?? 0);
  });
  const cameraTop = searchAll(camera.vectors, catalog.vectors, dim, 5);
  let r1 = 0;
  let r5 = 0;
  camera.originals.forEach((original, q) => {
    if (cameraTop[q][0] === original) r1++;
    if (cameraTop[q].includes(original)) r5++;
  });
  const m = Math.max(1, top.length);
  const c = Math.max(1, camera.originals.length);
  return {
    pAt5: p5 / m,
    mapAt10: map / m,
    looksAlikePAt5: looksAlikePrecisionAt5(top, queries, catalog),
    instanceR1: r1 / c,
    instanceR5: r5 / c,
  };
}
