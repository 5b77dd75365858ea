import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openSearchPage,
  type SearchSession,
} from '../../../scripts/bench/suites/search-session.ts';

// Node 20 cannot run relaxed SIMD correctly (see backend-support.ts), so the relaxed kernel's
// exactness is tested where it runs: Debian's Chromium, through the search benchmark's page
// (scripts/bench/suites/search-page.ts, which the bench's own exactness check also uses).
describe('search kernels in Chromium', () => {
  let session: SearchSession;
  beforeAll(async () => {
    session = await openSearchPage();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('supports relaxed SIMD, SIMD and scalar', async () => {
    expect(await session.call('backends')).toEqual(['relaxed', 'simd', 'scalar']);
  });

  it('every backend equals the float64 reference on random catalogs', async () => {
    const report = await session.call('verifyExactness', 3);
    expect(report.cases).toBeGreaterThan(600);
    expect(report.mismatches).toEqual([]);
  });

  it('backends agree on a 20k × 512 catalog, with and without a filter', async () => {
    for (const filter of [null, 0.2]) {
      const result = await session.call('runCase', {
        n: 20_000,
        d: 512,
        k: 50,
        filter,
        subjects: ['relaxed', 'simd', 'scalar'],
        minRuns: 1,
        maxRuns: 1,
        budgetMs: 0,
        seed: 5,
      });
      expect(result.identical).toBe(true);
    }
  });
});
