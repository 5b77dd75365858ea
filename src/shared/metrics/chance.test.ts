import { describe, expect, it } from 'vitest';
import { chanceMetrics } from './chance.ts';
import { averagePrecisionAtK, precisionAtK, recallAtK, reciprocalRank } from './retrieval.ts';

/** Every ordering of m relevant among n items (as relevance lists), for brute-force means. */
function allRankings(n: number, m: number): boolean[][] {
  const out: boolean[][] = [];
  const walk = (prefix: boolean[], left: number) => {
    if (prefix.length === n) {
      if (left === 0) out.push(prefix);
      return;
    }
    if (left > 0) walk([...prefix, true], left - 1);
    if (n - prefix.length > left) walk([...prefix, false], left);
  };
  walk([], m);
  return out;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('chanceMetrics', () => {
  it('matches a hand-computed case: 3 items, 1 relevant', () => {
    const c = chanceMetrics(3, 1, 2);
    expect(c.precision).toBeCloseTo(1 / 3, 12);
    expect(c.recall).toBeCloseTo(2 / 3, 12);
    // AP@2 = 1 if first, 1/2 if second, 0 if third.
    expect(c.averagePrecision).toBeCloseTo((1 + 1 / 2) / 3, 12);
    expect(c.reciprocalRank).toBeCloseTo((1 + 1 / 2 + 1 / 3) / 3, 12);
  });

  it('equals the mean over all orderings of the retrieval.ts metrics', () => {
    // Distinct orderings of a 0/1 list are equally likely under a uniform random ranking.
    for (const [n, m, k] of [
      [6, 2, 3],
      [7, 3, 5],
      [8, 5, 4],
      [5, 5, 10],
      [9, 1, 9],
    ]) {
      const rankings = allRankings(n, m);
      const c = chanceMetrics(n, m, k);
      expect(c.precision).toBeCloseTo(mean(rankings.map((r) => precisionAtK(r, k))), 12);
      expect(c.recall).toBeCloseTo(mean(rankings.map((r) => recallAtK(r, k, m))), 12);
      expect(c.averagePrecision).toBeCloseTo(
        mean(rankings.map((r) => averagePrecisionAtK(r, k, m))),
        12,
      );
      expect(c.reciprocalRank).toBeCloseTo(mean(rankings.map((r) => reciprocalRank(r))), 12);
    }
  });

  it('counts a first hit only within depth for the reciprocal rank', () => {
    // 3 items, 1 relevant, depth 2: (1 + 1/2 + 0) / 3.
    expect(chanceMetrics(3, 1, 1, 2).reciprocalRank).toBeCloseTo(0.5, 12);
    const rankings = allRankings(7, 2);
    expect(chanceMetrics(7, 2, 3, 4).reciprocalRank).toBeCloseTo(
      mean(rankings.map((r) => reciprocalRank(r.slice(0, 4)))),
      12,
    );
  });

  it('is 0 for a query with no relevant item and rejects impossible counts', () => {
    expect(chanceMetrics(10, 0, 5)).toEqual({
      precision: 0,
      recall: 0,
      averagePrecision: 0,
      reciprocalRank: 0,
    });
    expect(() => chanceMetrics(3, 4, 1)).toThrow(RangeError);
    expect(() => chanceMetrics(3, 1, 0)).toThrow(RangeError);
  });
});
