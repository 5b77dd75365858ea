/** The synthetic catalog as its peers take it: dequantised float32 rows (codes × scale). */
import type { SyntheticCatalog } from '../suites/search-data.ts';

const CHUNK_ROWS = 4096;

/** Calls `row(floats, i)` for every item; `floats` is reused between calls. */
export function forEachFloatRow(
  catalog: SyntheticCatalog,
  row: (floats: Float32Array, index: number) => void,
): void {
  const { n, d } = catalog;
  const codes = new Int8Array(CHUNK_ROWS * d);
  const scales = new Float32Array(CHUNK_ROWS);
  const floats = new Float32Array(d);
  for (let from = 0; from < n; from += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - from);
    catalog.fill(from, count, codes, scales);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < d; j++) floats[j] = codes[r * d + j] * scales[r];
      row(floats, from + r);
    }
  }
}
