/** Recall@k of the int8 index (quantisation + kernel) against exact float32 search, on sampled queries. */
import { meanVector, normalizeVectors, quantiseVectors } from '../catalog/quantise.ts';
import { FlatIndex, type Backend } from './flat-index.ts';
import { seededRandom } from './seeded-random.ts';

/** Exact cosine top-k over float vectors (already normalised), ties by index. */
function floatTopK(unit: Float32Array, dim: number, query: Float32Array, k: number): number[] {
  const n = unit.length / dim;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += unit[i * dim + j] * query[j];
    scores[i] = dot;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, k);
}

export interface RecallOptions {
  /** How many catalog vectors to use as queries (each excluded from its own results). */
  queries?: number;
  k?: number;
  seed?: number;
  backend?: Backend | 'auto';
  /** Quantise residuals from the catalog mean (quantiseVectors' `center`); default true. */
  center?: boolean;
}

/**
 * Quantises `vectors` (count × dim, any norm) exactly as the catalog build does, then measures
 * how many of the float32 top-k neighbours of sampled catalog vectors the int8 search returns.
 */
export async function recallAtKInt8VsFloat(
  vectors: Float32Array,
  dim: number,
  options: RecallOptions = {},
): Promise<number> {
  const n = vectors.length / dim;
  const k = Math.min(options.k ?? 10, n - 1);
  if (k < 1) return 1;
  const unit = normalizeVectors(vectors.slice(), dim);
  const center = options.center === false ? undefined : meanVector(vectors, dim);
  const { codes, scales } = quantiseVectors(vectors, dim, { center });
  const index = await FlatIndex.create({ dim, backend: options.backend });
  index.append(codes, scales, center);
  const random = seededRandom(options.seed ?? 1);
  const queries = Math.min(options.queries ?? 200, n);
  let hits = 0;
  for (let q = 0; q < queries; q++) {
    const at = Math.floor(random() * n);
    const query = unit.subarray(at * dim, (at + 1) * dim);
    // The query item itself is excluded on both sides: it would be a free hit.
    const exact = new Set(
      floatTopK(unit, dim, query, k + 1)
        .filter((i) => i !== at)
        .slice(0, k),
    );
    for (const i of index.search(query, k, { exclude: at }).indices) if (exact.has(i)) hits++;
  }
  index.clear();
  return hits / (queries * k);
}
