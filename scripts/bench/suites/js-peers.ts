/**
 * The plain-JavaScript searches in-browser vector search libraries ship today: a loop over an
 * Int8Array or a Float32Array per item, with the same running top-k as the kernel (so the
 * comparison is the scan itself, not a slower sort).
 */
import type { SyntheticCatalog } from './search-data.ts';

export interface PeerIndex {
  search(query: Float32Array, k: number): Int32Array;
}

const CHUNK_ROWS = 4096;

class TopK {
  readonly scores: Float64Array;
  readonly ids: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.ids = new Int32Array(k);
  }
  reset(): void {
    this.size = 0;
  }
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[this.k - 1];
  }
  push(score: number, id: number): void {
    let j = this.size < this.k ? this.size : this.k - 1;
    while (j > 0 && this.scores[j - 1] < score) {
      this.scores[j] = this.scores[j - 1];
      this.ids[j] = this.ids[j - 1];
      j--;
    }
    this.scores[j] = score;
    this.ids[j] = id;
    if (this.size < this.k) this.size++;
  }
}

/** int8 vectors, int8 query, integer dot products. */
export function jsInt8Index(catalog: SyntheticCatalog): PeerIndex {
  const { n, d } = catalog;
  const codes = new Int8Array(n * d);
  const scales = new Float32Array(n);
  for (let from = 0; from < n; from += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - from);
    catalog.fill(from, count, codes.subarray(from * d, (from + count) * d), scales.subarray(from));
  }
  const query = new Int8Array(d);
  const tops = new Map<number, TopK>();
  return {
    search(vector, k) {
      let max = 0;
      for (let j = 0; j < d; j++) max = Math.max(max, Math.abs(vector[j]));
      for (let j = 0; j < d; j++) query[j] = Math.round((vector[j] * 127) / max);
      let top = tops.get(k);
      if (!top) tops.set(k, (top = new TopK(k)));
      top.reset();
      let threshold = -Infinity;
      for (let i = 0, row = 0; i < n; i++, row += d) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += codes[row + j] * query[j];
        const score = dot * scales[i];
        if (score > threshold) {
          top.push(score, i);
          threshold = top.threshold;
        }
      }
      return top.ids.slice(0, top.size);
    },
  };
}

/** float32 vectors (the dequantised catalog) and a float32 query. */
export function jsFloat32Index(catalog: SyntheticCatalog): PeerIndex {
  const { n, d } = catalog;
  const vectors = new Float32Array(n * d);
  const codes = new Int8Array(CHUNK_ROWS * d);
  const scales = new Float32Array(CHUNK_ROWS);
  for (let from = 0; from < n; from += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - from);
    catalog.fill(from, count, codes, scales);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < d; j++) vectors[(from + r) * d + j] = codes[r * d + j] * scales[r];
    }
  }
  const tops = new Map<number, TopK>();
  return {
    search(query, k) {
      let top = tops.get(k);
      if (!top) tops.set(k, (top = new TopK(k)));
      top.reset();
      let threshold = -Infinity;
      for (let i = 0, row = 0; i < n; i++, row += d) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += vectors[row + j] * query[j];
        if (dot > threshold) {
          top.push(dot, i);
          threshold = top.threshold;
        }
      }
      return top.ids.slice(0, top.size);
    },
  };
}
