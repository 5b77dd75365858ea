/**
 * Search peers that run in Node instead of the page (FAISS's exact flat index): the search suite
 * times each one that is available on the same synthetic catalogs, checks its top-k against the
 * kernel's, and reports its rows with `where: 'node'`; an unavailable one is skipped with its
 * reason. In-browser peers live in suites/js-peers.ts and suites/library-peers.ts.
 */
import { faissNodePeer } from './faiss-node.ts';
import { faissPythonPeer } from './faiss-python.ts';
import type { SyntheticCatalog } from '../suites/search-data.ts';

export interface NodePeerRun {
  /** Per-query wall times, ms, measured inside the peer's own process. */
  times: number[];
  /** Time to build its index from the catalog, ms. */
  loadMs: number;
  /** Top-k ids of catalog.queries()[0 .. checks). */
  checkIds: number[][];
}

export interface NodeSearchPeer {
  name: string;
  /** What runs, e.g. "FAISS 1.7.3 IndexFlatIP (float32)". */
  describe(): Promise<string>;
  /** Null when it can run here; else why not (e.g. its package could not be installed). */
  unavailable(): Promise<string | null>;
  /** Builds its index from the catalog, then times `runs` queries (after a warm-up). */
  run(catalog: SyntheticCatalog, k: number, runs: number, checks: number): Promise<NodePeerRun>;
}

export const nodeSearchPeers: NodeSearchPeer[] = [faissNodePeer, faissPythonPeer];
