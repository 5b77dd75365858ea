/**
 * faiss-node (FAISS's IndexFlatIP through N-API), in this Node process. Its install script
 * downloads a prebuilt binary from GitHub or clones FAISS to build it, so it installs only on
 * machines that reach GitHub; it is not a devDependency, and the suite skips it when absent.
 */
import { createRequire } from 'node:module';
import type { NodeSearchPeer } from './node-peer.ts';
import { forEachFloatRow } from './catalog-floats.ts';

interface FaissIndex {
  add(vectors: number[]): void;
  search(query: number[], k: number): { labels: number[] };
}
type FaissModule = { IndexFlatIP: new (d: number) => FaissIndex };

const require = createRequire(import.meta.url);
const load = () => require('faiss-node') as FaissModule;

export const faissNodePeer: NodeSearchPeer = {
  name: 'faiss-node',
  describe: () => Promise.resolve('faiss-node IndexFlatIP (float32, N-API)'),
  unavailable() {
    try {
      load();
      return Promise.resolve(null);
    } catch {
      return Promise.resolve(
        'faiss-node is not installed: `npm install faiss-node@0.5.1` fails here (its install ' +
          'script fetches a prebuilt binary from github.com or clones FAISS from it, and this ' +
          'machine reaches only the npm registry: getaddrinfo ENOTFOUND github.com)',
      );
    }
  },
  run(catalog, k, runs, checks) {
    const started = performance.now();
    const index = new (load().IndexFlatIP)(catalog.d);
    const rows: number[] = [];
    forEachFloatRow(catalog, (floats) => rows.push(...floats));
    index.add(rows);
    const loadMs = performance.now() - started;
    const queries = catalog.queries(16).map((q) => Array.from(q));
    const checkIds = queries.slice(0, checks).map((q) => index.search(q, k).labels);
    for (let w = 0; w < 2; w++) index.search(queries[w], k);
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      index.search(queries[r % queries.length], k);
      times.push(performance.now() - t0);
    }
    return Promise.resolve({ times, loadMs, checkIds });
  },
};
