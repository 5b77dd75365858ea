import { describe, expect, it } from 'vitest';
import {
  averagePrecisionAtK,
  precisionAtK,
  rankedRelevance,
  recallAtK,
  reciprocalRank,
  topK,
} from './retrieval.ts';

// Results in rank order: relevant at ranks 1, 3 and 6.
const ranked = [true, false, true, false, false, true, false, false, false, false];

describe('precisionAtK', () => {
  it('counts hits in the first k', () => {
    expect(precisionAtK(ranked, 1)).toBe(1);
    expect(precisionAtK(ranked, 3)).toBeCloseTo(2 / 3, 12);
    expect(precisionAtK(ranked, 5)).toBeCloseTo(2 / 5, 12);
    expect(precisionAtK(ranked, 10)).toBeCloseTo(3 / 10, 12);
  });
  it('counts missing results as misses', () => {
    expect(precisionAtK([true, true], 5)).toBeCloseTo(2 / 5, 12);
  });
  it('rejects k < 1', () => {
    expect(() => precisionAtK(ranked, 0)).toThrow(RangeError);
  });
});

describe('averagePrecisionAtK', () => {
  it('averages precision at each hit over min(k, relevant)', () => {
    // Hits at 1, 3, 6: (1/1 + 2/3 + 3/6) / min(10, 4) with 4 relevant in the catalog.
    expect(averagePrecisionAtK(ranked, 10, 4)).toBeCloseTo((1 + 2 / 3 + 0.5) / 4, 12);
    // At k = 5 only hits 1 and 3 count; the denominator is min(5, 4) = 4.
    expect(averagePrecisionAtK(ranked, 5, 4)).toBeCloseTo((1 + 2 / 3) / 4, 12);
    // Many relevant items: the denominator is k.
    expect(averagePrecisionAtK(ranked, 5, 50)).toBeCloseTo((1 + 2 / 3) / 5, 12);
  });
  it('reaches 1 when every relevant item is on top, even with fewer than k of them', () => {
    expect(averagePrecisionAtK([true, true, false, false], 10, 2)).toBe(1);
  });
  it('is 0 for a query with no relevant item', () => {
    expect(averagePrecisionAtK([false, false, false], 10, 0)).toBe(0);
  });
  it('rejects a total below the hits it sees', () => {
    expect(() => averagePrecisionAtK(ranked, 10, 2)).toThrow(RangeError);
  });
});

describe('recallAtK and reciprocalRank', () => {
  it('recall is hits in the first k over all relevant', () => {
    expect(recallAtK(ranked, 3, 4)).toBeCloseTo(2 / 4, 12);
    expect(recallAtK(ranked, 10, 3)).toBe(1);
    expect(recallAtK([false, false], 2, 0)).toBe(0);
  });
  it('reciprocal rank is 1 / rank of the first hit', () => {
    expect(reciprocalRank(ranked)).toBe(1);
    expect(reciprocalRank([false, false, false, true])).toBe(0.25);
    expect(reciprocalRank([false, false])).toBe(0);
    expect(reciprocalRank([])).toBe(0);
  });
});

describe('topK and rankedRelevance', () => {
  it('ranks by score, best first', () => {
    expect(topK([0.1, 0.9, 0.5, 0.7], 3)).toEqual([1, 3, 2]);
  });
  it('breaks ties by index, lower first, however the ties fall across the cut', () => {
    expect(topK([0.5, 0.9, 0.5, 0.5, 0.2], 3)).toEqual([1, 0, 2]);
    expect(topK([0.5, 0.5, 0.5], 2)).toEqual([0, 1]);
    expect(topK([0.2, 0.5, 0.5], 5)).toEqual([1, 2, 0]);
  });
  it('gives the relevance of the ranked results', () => {
    const labels = ['a', 'b', 'a', 'a', 'b'];
    const scores = [0.5, 0.9, 0.5, 0.5, 0.2];
    const relevance = rankedRelevance(scores, (i) => labels[i] === 'a', 3);
    expect(relevance).toEqual([false, true, true]);
    // Ties decide the metrics: index 0 and 2 (both relevant) outrank index 3.
    expect(precisionAtK(relevance, 3)).toBeCloseTo(2 / 3, 12);
    expect(averagePrecisionAtK(relevance, 3, 3)).toBeCloseTo((1 / 2 + 2 / 3) / 3, 12);
    expect(reciprocalRank(relevance)).toBe(0.5);
  });
});
