/** What a search peer that runs in Node (outside the page) offers the search suite. */
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
