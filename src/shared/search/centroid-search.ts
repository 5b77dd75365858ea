/**
 * Ranking without a query vector (a keyword query on an image-only model): the items the
 * filter lets through, closest first to their own mean vector, i.e. the most typical match
 * first. Deterministic, and it reuses the index's stored vectors and kernel.
 */
import type { FlatIndex, SearchResult } from './flat-index.ts';

const EMPTY: SearchResult = { indices: new Int32Array(0), scores: new Float32Array(0) };

export class CentroidSearch {
  readonly #sum: Float32Array<ArrayBuffer>;
  readonly #row: Float32Array<ArrayBuffer>;

  /** Buffers for one index dimension, reused by every query. */
  constructor(readonly dim: number) {
    this.#sum = new Float32Array(dim);
    this.#row = new Float32Array(dim);
  }

  /**
   * The top k of the items `mask` selects (bit i % 8 of byte i / 8), ranked by cosine to their
   * centroid. The caller has already given the index this mask (`index.setFilter(mask)`).
   */
  search(index: FlatIndex, mask: Uint8Array, k: number): SearchResult {
    if (index.dim !== this.dim) {
      throw new RangeError(`CentroidSearch for dim ${this.dim} given an index of ${index.dim}`);
    }
    const sum = this.#sum.fill(0);
    let first = -1;
    for (let i = 0; i < index.count; i++) {
      if (((mask[i >> 3] >> (i & 7)) & 1) === 0) continue;
      if (first < 0) first = i;
      const row = index.vector(i, this.#row);
      for (let j = 0; j < this.dim; j++) sum[j] += row[j];
    }
    if (first < 0) return EMPTY;
    let norm = 0;
    for (let j = 0; j < this.dim; j++) norm += sum[j] * sum[j];
    // Opposite vectors can cancel out: then the first match stands for the group.
    const query = norm > 1e-12 ? sum : index.vector(first, this.#row);
    return index.search(query, k, { filter: true });
  }
}
