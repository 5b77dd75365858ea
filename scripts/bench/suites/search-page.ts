/** The search suite's page in Chromium: builds each subject's index, checks results, times queries. */
import { supportsBackend } from '../../../src/shared/search/backend-support.ts';
import { queryCodeMax } from '../../../src/shared/catalog/quantise.ts';
import { FlatIndex, type Backend } from '../../../src/shared/search/flat-index.ts';
import { referenceTopK } from '../../../src/shared/search/reference-search.ts';
import { seededRandom } from '../../../src/shared/search/seeded-random.ts';
import { jsFloat32Index, jsInt8Index } from './js-peers.ts';
import type { createLibraryPeer, LibraryName } from './library-peers.ts';
import { SyntheticCatalog } from './search-data.ts';
import {
  KERNEL_SUBJECTS,
  LIBRARY_SUBJECTS,
  type CaseConfig,
  type CaseResult,
  type ExactnessReport,
  type SearchBenchPage,
  type SplitResult,
  type Subject,
  type SubjectTiming,
} from './search-protocol.ts';

const CHUNK_ROWS = 8192;
export const CHECK_QUERIES = 3;

interface Searcher {
  search(query: Float32Array, k: number): { indices: Int32Array; scores?: Float32Array };
  free(): void;
}

const isKernel = (subject: Subject): subject is Backend => KERNEL_SUBJECTS.includes(subject);

/** The npm library peers, bundled separately (a URL the bundler leaves alone) and loaded once. */
let libraries: Promise<{ createLibraryPeer: typeof createLibraryPeer }> | undefined;
const loadLibraries = () => {
  const url = '/library-peers.js';
  libraries ??= import(/* @vite-ignore */ url) as Promise<{
    createLibraryPeer: typeof createLibraryPeer;
  }>;
  return libraries;
};

async function libraryPeers(): Promise<Record<string, string | null>> {
  const status: Record<string, string | null> = {};
  for (const subject of LIBRARY_SUBJECTS) {
    try {
      const { createLibraryPeer } = await loadLibraries();
      const tiny = new SyntheticCatalog(64, 16, 1);
      const peer = await createLibraryPeer(subject as LibraryName, tiny);
      const ids = peer.search(tiny.queries(1)[0], 5);
      peer.free();
      status[subject] = ids.length === 5 ? null : `returned ${ids.length} of 5 results`;
    } catch (error) {
      // wasm-bindgen libraries throw plain objects, not Errors.
      status[subject] = error instanceof Error ? error.message : JSON.stringify(error);
    }
  }
  return status;
}

/** Copies the catalog into a FlatIndex shard by shard, as the app does when shards arrive. */
async function loadIndex(catalog: SyntheticCatalog, backend: Backend): Promise<FlatIndex> {
  const index = await FlatIndex.create({ dim: catalog.d, backend });
  index.reserve(catalog.n);
  const codes = new Int8Array(CHUNK_ROWS * catalog.d);
  const scales = new Float32Array(CHUNK_ROWS);
  for (let from = 0; from < catalog.n; from += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, catalog.n - from);
    catalog.fill(from, count, codes, scales);
    index.append(codes.subarray(0, count * catalog.d), scales.subarray(0, count));
  }
  return index;
}

async function searcherFor(
  subject: Subject,
  catalog: SyntheticCatalog,
  mask: Uint8Array | null,
): Promise<Searcher> {
  if (isKernel(subject)) {
    const index = await loadIndex(catalog, subject);
    index.setFilter(mask);
    return { search: (query, k) => index.search(query, k), free: () => index.clear() };
  }
  if (mask) throw new Error('the peers do not filter');
  if (LIBRARY_SUBJECTS.includes(subject)) {
    const { createLibraryPeer } = await loadLibraries();
    const peer = await createLibraryPeer(subject as LibraryName, catalog);
    return { search: (query, k) => ({ indices: peer.search(query, k) }), free: () => peer.free() };
  }
  const peer = subject === 'js-int8' ? jsInt8Index(catalog) : jsFloat32Index(catalog);
  return { search: (query, k) => ({ indices: peer.search(query, k) }), free: () => {} };
}

function time(searcher: Searcher, queries: Float32Array[], config: CaseConfig): number[] {
  for (let w = 0; w < 2; w++) searcher.search(queries[w], config.k);
  const times: number[] = [];
  const started = performance.now();
  while (
    times.length < config.maxRuns &&
    (times.length < config.minRuns || performance.now() - started < config.budgetMs)
  ) {
    const query = queries[times.length % queries.length];
    const t0 = performance.now();
    searcher.search(query, config.k);
    times.push(performance.now() - t0);
  }
  return times;
}

const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();

async function runCase(config: CaseConfig): Promise<CaseResult> {
  const catalog = new SyntheticCatalog(config.n, config.d, config.seed);
  const queries = catalog.queries(16);
  const mask = config.filter === null ? null : catalog.mask(config.filter);
  const timings: SubjectTiming[] = [];
  const kernelChecks: string[][] = [];
  let kernelIds: Int32Array[] | null = null;
  const peerOverlap: Record<string, number> = {};
  for (const subject of config.subjects) {
    const started = performance.now();
    const searcher = await searcherFor(subject, catalog, mask);
    const loadMs = performance.now() - started;
    const checks = queries.slice(0, CHECK_QUERIES).map((q) => searcher.search(q, config.k));
    if (isKernel(subject)) {
      kernelChecks.push(checks.map((r) => JSON.stringify([[...r.indices], [...(r.scores ?? [])]])));
      kernelIds ??= checks.map((r) => r.indices);
    } else if (kernelIds) {
      const reference = kernelIds;
      const overlap = checks.map((r, q) => {
        const expected = new Set(reference[q]);
        return [...r.indices].filter((i) => expected.has(i)).length / Math.max(1, expected.size);
      });
      peerOverlap[subject] = overlap.reduce((a, b) => a + b, 0) / overlap.length;
    }
    const checkIds = checks.map((r) => [...r.indices]);
    timings.push({ subject, times: time(searcher, queries, config), loadMs, checkIds });
    searcher.free();
    collectGarbage();
  }
  const identical = kernelChecks.every((c) => c.every((r, q) => r === kernelChecks[0][q]));
  return { config, timings, identical, peerOverlap };
}

/** Random catalogs with power-of-two scales: every backend must equal the float64 reference. */
async function verifyExactness(seed: number): Promise<ExactnessReport> {
  const random = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const backends = KERNEL_SUBJECTS.filter((s) => supportsBackend(s as Backend)) as Backend[];
  const mismatches: string[] = [];
  let cases = 0;
  for (const [n, dim] of [
    [1, 1],
    [9, 5],
    [64, 16],
    [333, 40],
    [1000, 128],
    [2000, 4],
    [500, 1280],
  ]) {
    const codeRange = dim === 4 ? 1 : 127; // dim 4: tiny codes, many tied scores
    const codes = Int8Array.from({ length: n * dim }, () => int(-codeRange, codeRange));
    const scales = Float32Array.from({ length: n }, () => 2 ** -int(5, 9));
    const indexes = await Promise.all(
      backends.map(async (backend) => {
        const index = await FlatIndex.create({ dim, backend });
        index.append(codes, scales);
        return index;
      }),
    );
    for (let t = 0; t < 30; t++) {
      // Dot products stay below 2^24 so f32 scores are exact: equal to the reference bit for bit.
      const max = Math.min(queryCodeMax(dim), Math.floor(2 ** 24 / (128 * dim)));
      const query = Int16Array.from({ length: dim }, () => int(-max, max));
      const qscale = 2 ** -int(3, 8);
      const k = [1, 10, 100][t % 3];
      // Dense masks (every block read) and sparse ones (blocks without candidates skipped).
      const mask =
        t % 2
          ? Uint8Array.from({ length: Math.ceil(n / 8) }, () =>
              t % 4 === 1 ? int(0, 255) & int(0, 255) : int(0, 40) === 0 ? 1 << int(0, 7) : 0,
            )
          : null;
      const exclude = t % 4 === 0 ? int(0, n - 1) : -1;
      const keep = (i: number) => i !== exclude && (!mask || ((mask[i >> 3] >> (i & 7)) & 1) === 1);
      const reference = referenceTopK(codes, scales, dim, query, qscale, k, keep);
      const expected = JSON.stringify([reference.indices, reference.scores]);
      indexes.forEach((index, b) => {
        index.setFilter(mask);
        const result = index.searchQuantised(query, qscale, k, { exclude });
        const got = JSON.stringify([[...result.indices], [...result.scores]]);
        cases++;
        if (got !== expected) {
          mismatches.push(
            `${backends[b]} n=${n} dim=${dim} k=${k} case ${t}: ${got.slice(0, 120)}`,
          );
        }
      });
    }
    indexes.forEach((index) => index.clear());
  }
  return { backends, cases, mismatches };
}

/** One query answered by `workers` workers, each holding 1/workers of the catalog, vs one. */
async function measureSplit(n: number, d: number, workers: number): Promise<SplitResult> {
  const start = async (count: number, parts: number) => {
    const pool = Array.from(
      { length: parts },
      () => new Worker('/split-worker.js', { type: 'module' }),
    );
    const reply = (worker: Worker) =>
      new Promise<{ indices: Int32Array; scores: Float32Array }>((done, fail) => {
        worker.onmessage = (event: MessageEvent) => done(event.data as never);
        worker.onerror = (event) => fail(new Error(event.message));
      });
    await Promise.all(
      pool.map((worker, p) => {
        const from = Math.floor((count * p) / parts);
        const to = Math.floor((count * (p + 1)) / parts);
        const ready = reply(worker);
        worker.postMessage({ type: 'load', n: count, d, from, to, seed: 7 });
        return ready;
      }),
    );
    return { pool, reply };
  };
  const catalog = new SyntheticCatalog(n, d, 7);
  const queries = catalog.queries(16);
  const timeWith = async (parts: number) => {
    const { pool, reply } = await start(n, parts);
    const times: number[] = [];
    for (let r = 0; r < 32; r++) {
      const query = queries[r % queries.length];
      const t0 = performance.now();
      const answers = pool.map((worker) => {
        const answer = reply(worker);
        worker.postMessage({ type: 'search', query, k: 10 });
        return answer;
      });
      await Promise.all(answers); // merging ≤ 10 × workers results costs nothing next to the scan
      if (r >= 4) times.push(performance.now() - t0);
    }
    pool.forEach((worker) => worker.terminate());
    times.sort((a, b) => a - b);
    return times[times.length >> 1];
  };
  const singleMs = await timeWith(1);
  const medianMs = await timeWith(workers);
  return { n, d, workers, medianMs, singleMs };
}

const page: SearchBenchPage = {
  backends: () => KERNEL_SUBJECTS.filter((s) => supportsBackend(s as Backend)),
  crossOriginIsolated: () => globalThis.crossOriginIsolated === true,
  runCase,
  verifyExactness,
  measureSplit,
  libraryPeers,
};
Object.assign(globalThis, { searchBench: page, benchReady: true });
