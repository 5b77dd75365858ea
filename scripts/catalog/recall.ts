/** Recall@k of the int8 index (the app's kernel) against exact float32 search, on sampled queries. */
import { FlatIndex } from '../../src/shared/search/flat-index.ts';

/** Mulberry32: a small seeded PRNG, so the sampled queries are the same every build. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function floatTopK(vectors: Float32Array, dim: number, query: Float32Array, k: number): number[] {
  const n = vectors.length / dim;
  const scored: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += vectors[i * dim + j] * query[j];
    scored.push([dot, i]);
  }
  scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return scored.slice(0, k).map(([, i]) => i);
}

/** Mean overlap of the int8 top-k with the float32 top-k, over `queries` catalog vectors as queries. */
export async function int8Recall(
  vectors: Float32Array,
  codes: Int8Array,
  scales: Float32Array,
  dim: number,
  options: { queries: number; k: number; seed: number },
): Promise<number> {
  const n = vectors.length / dim;
  if (!n) return 1;
  const index = await FlatIndex.create({ dim });
  index.append(codes, scales);
  const random = seededRandom(options.seed);
  const k = Math.min(options.k, n);
  let hits = 0;
  const queries = Math.min(options.queries, n);
  for (let q = 0; q < queries; q++) {
    const query = vectors.subarray(Math.floor(random() * n) * dim).subarray(0, dim);
    const exact = new Set(floatTopK(vectors, dim, query, k));
    const { indices } = index.search(query, k);
    for (const i of indices) if (exact.has(i)) hits++;
  }
  return hits / (queries * k);
}
