/**
 * Search peers that run in Node instead of the page (FAISS's exact flat index): the search suite
 * times each one that is available on the same synthetic catalogs, checks its top-k against the
 * kernel's, and reports its rows with `where: 'node'`; an unavailable one is skipped with its
 * reason. In-browser peers live in suites/js-peers.ts and suites/library-peers.ts.
 */
import { faissNodePeer } from './faiss-node.ts';
import { faissPythonPeer } from './faiss-python.ts';
import type { NodeSearchPeer } from './node-peer.ts';

export const nodeSearchPeers: NodeSearchPeer[] = [faissNodePeer, faissPythonPeer];
