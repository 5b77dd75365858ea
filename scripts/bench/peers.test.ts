import { afterAll, describe, expect, it } from 'vitest';
import { nodeSearchPeers } from './peers/node-peers.ts';
import { jsFloat32Index } from './suites/js-peers.ts';
import { SyntheticCatalog } from './suites/search-data.ts';
import type { Subject } from './suites/search-protocol.ts';
import { openSearchPage, type SearchSession } from './suites/search-session.ts';

// The peers must answer the same exact float32 top-k as the plain float32 loop, or their
// speed-ups in BENCHMARKS.md compare different work.
const catalog = new SyntheticCatalog(3000, 64, 3);
const reference = jsFloat32Index(catalog);
const sorted = (ids: ArrayLike<number>) => [...Array.from(ids)].sort((a, b) => a - b);
const expected = catalog.queries(3).map((q) => sorted(reference.search(q, 10)));

// Each Node peer, with why it cannot run here (null when it can): a missing one shows as skipped.
const peers = await Promise.all(
  nodeSearchPeers.map(async (peer) => ({ peer, missing: await peer.unavailable() })),
);

describe('search peers', () => {
  let session: SearchSession | undefined;
  afterAll(async () => {
    await session?.close();
  });

  // hnswlib-wasm runs only in browsers: check it where the suite runs it, in Chromium.
  it('hnswlib-wasm brute force returns the exact float32 top-10 (in Chromium)', async () => {
    session = await openSearchPage();
    expect(session.librariesMissing).toBeNull();
    const result = await session.call('runCase', {
      n: catalog.n,
      d: catalog.d,
      k: 10,
      filter: null,
      subjects: ['hnswlib-bf' as Subject],
      minRuns: 1,
      maxRuns: 1,
      budgetMs: 0,
      seed: catalog.seed,
    });
    expect(result.timings[0].checkIds.map(sorted)).toEqual(expected);
  });

  for (const { peer, missing } of peers) {
    // The reporter folds a passing file's skipped tests away: say it where it shows.
    if (missing) console.warn(`search peers: ${peer.name} skipped: ${missing}`);
    it.skipIf(missing !== null)(
      `${peer.name} returns the exact float32 top-10 and times its queries${missing ? ` (skipped: ${missing})` : ''}`,
      async () => {
        const result = await peer.run(catalog, 10, 5, 3);
        expect(result.checkIds.map(sorted)).toEqual(expected);
        expect(result.times).toHaveLength(5);
      },
    );
  }
});
