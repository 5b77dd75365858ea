import { describe, expect, it } from 'vitest';
import { summarizeChance, summarizeRankings } from './summary.ts';

const T = true;
const F = false;

describe('summarizeRankings', () => {
  // Query 1 (Hat): hits at 1 and 3 of 2 relevant. Query 2 (Hat): first hit at 12 of 3 relevant.
  // Query 3 (Shoes): no relevant item anywhere.
  const queries = [
    { label: 'Hat', ranked: [T, F, T, F, F, F, F, F, F, F, F, F], totalRelevant: 2 },
    { label: 'Hat', ranked: [F, F, F, F, F, F, F, F, F, F, F, T, T, T], totalRelevant: 3 },
    { label: 'Shoes', ranked: [F, F, F, F, F, F, F, F, F, F, F, F], totalRelevant: 0 },
  ];
  const s = summarizeRankings(queries);

  it('averages every metric over all queries, zeros included', () => {
    expect(s.queries).toBe(3);
    expect(s.p_at_1).toBeCloseTo(1 / 3, 12);
    expect(s.p_at_5).toBeCloseTo(2 / 5 / 3, 12);
    expect(s.p_at_10).toBeCloseTo(2 / 10 / 3, 12);
    // AP@10 of query 1 = (1/1 + 2/3) / min(10, 2).
    expect(s.map_at_10).toBeCloseTo((1 + 2 / 3) / 2 / 3, 12);
    // MRR reads the full ranking: query 2 contributes 1/12.
    expect(s.mrr).toBeCloseTo((1 + 1 / 12) / 3, 12);
    expect(s.recall_at_10).toBeCloseTo(1 / 3, 12);
  });

  it('gives P@5 per label, sorted by label', () => {
    expect(Object.keys(s.per_label_p_at_5)).toEqual(['Hat', 'Shoes']);
    expect(s.per_label_p_at_5.Hat).toBeCloseTo(0.2, 12);
    expect(s.per_label_p_at_5.Shoes).toBe(0);
  });

  it('is all zeros for no queries', () => {
    expect(summarizeRankings([])).toEqual({
      queries: 0,
      p_at_1: 0,
      p_at_5: 0,
      p_at_10: 0,
      map_at_10: 0,
      mrr: 0,
      recall_at_10: 0,
      per_label_p_at_5: {},
    });
  });
});

describe('summarizeChance', () => {
  it('gives the label frequency as P@k and its mean over queries', () => {
    const s = summarizeChance(
      [
        { label: 'Hat', totalRelevant: 10 },
        { label: 'Shoes', totalRelevant: 30 },
        { label: 'Shoes', totalRelevant: 30 },
      ],
      100,
    );
    expect(s.p_at_5).toBeCloseTo((0.1 + 0.3 + 0.3) / 3, 12);
    expect(s.p_at_1).toBeCloseTo(s.p_at_10, 12);
    expect(s.per_label_p_at_5).toEqual({ Hat: 0.1, Shoes: expect.closeTo(0.3, 12) });
    expect(s.recall_at_10).toBeCloseTo(0.1, 12);
    expect(s.mrr).toBeGreaterThan(0.1);
  });
});
