/**
 * The hook for search peers that run in Node instead of the page (e.g. faiss-node's flat index):
 * list one here and the search suite times it on the same synthetic catalogs, reporting its rows
 * with `where: 'node'` and speed-ups against it. In-browser peers live in suites/js-peers.ts.
 */
import type { SyntheticCatalog } from './suites/search-data.ts';

export interface LoadedPeer {
  search(query: Float32Array, k: number): Int32Array | Promise<Int32Array>;
  free(): void;
}

export interface NodeSearchPeer {
  name: string;
  /** Whether it can run here (e.g. its optional package is installed). */
  available(): Promise<boolean>;
  /** Builds its index from the catalog (regenerate rows with catalog.fill). */
  load(catalog: SyntheticCatalog): Promise<LoadedPeer>;
}

export const nodeSearchPeers: NodeSearchPeer[] = [];
