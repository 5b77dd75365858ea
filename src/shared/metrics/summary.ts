/**
 * Means of the per-query retrieval metrics over a query set, overall and per label, for a
 * model's rankings or for the chance level. Every query counts, even one with no relevant item.
 */
import { chanceMetrics } from './chance.ts';
import { averagePrecisionAtK, precisionAtK, recallAtK, reciprocalRank } from './retrieval.ts';

export interface QueryRanking {
  label: string;
  /** Relevance of the results in rank order (the full ranking, so MRR is not truncated). */
  ranked: readonly boolean[];
  /** Relevant items in the catalog. */
  totalRelevant: number;
}

export interface RetrievalSummary {
  queries: number;
  p_at_1: number;
  p_at_5: number;
  p_at_10: number;
  map_at_10: number;
  mrr: number;
  recall_at_10: number;
  per_label_p_at_5: Record<string, number>;
}

type Scores = Omit<RetrievalSummary, 'queries' | 'per_label_p_at_5'>;

function average(rows: Scores[], labels: string[]): RetrievalSummary {
  const keys = ['p_at_1', 'p_at_5', 'p_at_10', 'map_at_10', 'mrr', 'recall_at_10'] as const;
  const mean = (values: number[]) =>
    values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
  const perLabel: Record<string, number[]> = {};
  rows.forEach((row, i) => (perLabel[labels[i]] ??= []).push(row.p_at_5));
  const sorted = Object.keys(perLabel).sort();
  return {
    queries: rows.length,
    ...(Object.fromEntries(keys.map((key) => [key, mean(rows.map((r) => r[key]))])) as Scores),
    per_label_p_at_5: Object.fromEntries(sorted.map((label) => [label, mean(perLabel[label])])),
  };
}

/** Mean P@1/5/10, mAP@10, MRR, R@10 and per-label P@5 of ranked queries. */
export function summarizeRankings(queries: readonly QueryRanking[]): RetrievalSummary {
  const rows = queries.map(({ ranked, totalRelevant }) => ({
    p_at_1: precisionAtK(ranked, 1),
    p_at_5: precisionAtK(ranked, 5),
    p_at_10: precisionAtK(ranked, 10),
    map_at_10: averagePrecisionAtK(ranked, 10, totalRelevant),
    mrr: reciprocalRank(ranked),
    recall_at_10: recallAtK(ranked, 10, totalRelevant),
  }));
  return average(
    rows,
    queries.map((q) => q.label),
  );
}

/**
 * The same summary for a uniformly random ranking of a catalog of `catalogSize` items, with
 * MRR looking as deep as the rankings it is compared with (`depth` results).
 */
export function summarizeChance(
  queries: readonly Omit<QueryRanking, 'ranked'>[],
  catalogSize: number,
  depth = catalogSize,
): RetrievalSummary {
  const rows = queries.map(({ totalRelevant }) => {
    const at = (k: number) => chanceMetrics(catalogSize, totalRelevant, k, depth);
    const at10 = at(10);
    return {
      p_at_1: at(1).precision,
      p_at_5: at(5).precision,
      p_at_10: at10.precision,
      map_at_10: at10.averagePrecision,
      mrr: at10.reciprocalRank,
      recall_at_10: totalRelevant ? at10.recall : 0,
    };
  });
  return average(
    rows,
    queries.map((q) => q.label),
  );
}
