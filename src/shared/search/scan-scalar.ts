/**
 * The plain-TypeScript scan: the same integers, f32 roundings, order and tie rule as kernel.wat,
 * so its results are bit-identical. Used where WebAssembly SIMD is missing, and as the reference.
 */
import type { VectorStore } from './vector-store.ts';

/**
 * Scans items [0, n) of `store` with query codes `query` (scale `qscale`) and writes the best k
 * into the store's top_scores/top_ids section. Returns the number of results.
 */
export function scanScalar(
  store: VectorStore,
  query: Int16Array,
  qscale: number,
  n: number,
  k: number,
  useMask: boolean,
  exclude: number,
): number {
  const { layout, dim } = store;
  const codes = store.codes;
  const floats = store.floats;
  const ints = store.ints;
  const bytes = store.bytes;
  const scales = layout.scales >> 2;
  const topScores = layout.topScores >> 2;
  const topIds = layout.topIds >> 2;
  const q = Math.fround(qscale);
  let size = 0;
  let threshold = -Infinity;
  for (let i = 0; i < n; i++) {
    if (useMask && (bytes[layout.mask + (i >> 3)] & (1 << (i & 7))) === 0) continue;
    if (i === exclude) continue;
    // Rows sit in blocks of 4, interleaved by 16-byte column (see layout.ts).
    const row = layout.codes + (i & ~3) * layout.stride + (i & 3) * 16;
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += codes[row + ((j >> 4) << 6) + (j & 15)] * query[j];
    const score = Math.fround(Math.fround(Math.fround(dot) * floats[scales + i]) * q);
    if (!(score > threshold)) continue;
    // Insert after every entry with an equal score: those came first, so they have lower ids.
    let j = size < k ? size : k - 1;
    while (j > 0 && floats[topScores + j - 1] < score) {
      floats[topScores + j] = floats[topScores + j - 1];
      ints[topIds + j] = ints[topIds + j - 1];
      j--;
    }
    floats[topScores + j] = score;
    ints[topIds + j] = i;
    if (size < k) size++;
    if (size === k) threshold = floats[topScores + k - 1];
  }
  return size;
}
