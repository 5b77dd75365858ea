/**
 * Exact-search peers from npm that in-browser apps use today, run in the search suite's page:
 * hnswlib-wasm's BruteforceSearch (C++ → WASM), on the dequantised float32 catalog with
 * inner-product scoring. Bundled as its own script, so the page still runs when the package is
 * not installed (the suite then skips it with the reason).
 */
// The package names only a "module" entry, which Node and vitest do not read: import its file.
import { loadHnswlib } from 'hnswlib-wasm/dist/hnswlib.js';
import type { SyntheticCatalog } from './search-data.ts';

export interface LibraryPeer {
  search(query: Float32Array, k: number): Int32Array;
  free(): void;
}

export type LibraryName = 'hnswlib-bf';

const CHUNK_ROWS = 4096;

async function hnswlibBruteForce(catalog: SyntheticCatalog): Promise<LibraryPeer> {
  const lib = await loadHnswlib();
  const { n, d } = catalog;
  const index = new lib.BruteforceSearch('ip', d);
  index.initIndex(n);
  const codes = new Int8Array(CHUNK_ROWS * d);
  const scales = new Float32Array(CHUNK_ROWS);
  const row = new Float32Array(d);
  for (let from = 0; from < n; from += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - from);
    catalog.fill(from, count, codes, scales);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < d; j++) row[j] = codes[r * d + j] * scales[r];
      index.addPoint(row, from + r);
    }
  }
  return {
    // Distances are 1 - dot; the set of neighbours is what the suite compares.
    search: (query, k) => Int32Array.from(index.searchKnn(query, k, undefined).neighbors),
    free: () => (index as unknown as { delete?: () => void }).delete?.(),
  };
}

export function createLibraryPeer(
  name: LibraryName,
  catalog: SyntheticCatalog,
): Promise<LibraryPeer> {
  switch (name) {
    case 'hnswlib-bf':
      return hnswlibBruteForce(catalog);
  }
}
