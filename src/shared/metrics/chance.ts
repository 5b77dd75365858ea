/**
 * The chance level: what a random ranking of the catalog scores in expectation, given how many
 * catalog items are relevant to a query. Exact formulas, same metric definitions as retrieval.ts.
 */

export interface ChanceMetrics {
  /** E[P@k] = m / n. */
  precision: number;
  /** E[R@k] = k / n (each relevant item lands in the first k with probability k / n). */
  recall: number;
  /** E[AP@k], normalised by min(k, m) like averagePrecisionAtK. */
  averagePrecision: number;
  /** E[1 / rank of the first relevant item], 0 when it ranks below `depth`. */
  reciprocalRank: number;
}

/**
 * Expected metrics of a uniformly random ranking of `catalogSize` items of which `relevant`
 * are relevant, for cut-off `k`; reciprocal rank looks `depth` results deep (default: all).
 * A query with no relevant item scores 0.
 */
export function chanceMetrics(
  catalogSize: number,
  relevant: number,
  k: number,
  depth = catalogSize,
): ChanceMetrics {
  const n = catalogSize;
  const m = relevant;
  if (!(Number.isInteger(n) && Number.isInteger(m) && m >= 0 && m <= n && n >= 1)) {
    throw new RangeError(`need integers 0 <= relevant <= catalogSize, got ${m} of ${n}`);
  }
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be a positive integer`);
  if (m === 0) return { precision: 0, recall: 0, averagePrecision: 0, reciprocalRank: 0 };
  const cut = Math.min(k, n);
  // Rank i holds a relevant item with probability m/n; given that, the other i-1 ranks above
  // hold (i-1)(m-1)/(n-1) relevant items on average, so E[rel_i * hits_i / i] is below.
  let ap = 0;
  for (let i = 1; i <= cut; i++) {
    const others = n > 1 ? ((i - 1) * (m - 1)) / (n - 1) : 0;
    ap += ((m / n) * (1 + others)) / i;
  }
  // P(first relevant at rank r) = m/(n-r+1) * prod_{i<r} (n-m-i+1)/(n-i+1).
  let rr = 0;
  let noneYet = 1;
  for (let r = 1; r <= Math.min(n - m + 1, depth); r++) {
    rr += (noneYet * (m / (n - r + 1))) / r;
    noneYet *= (n - m - r + 1) / (n - r + 1);
  }
  return {
    precision: (m / n) * (cut / k),
    recall: cut / n,
    averagePrecision: ap / Math.min(k, m),
    reciprocalRank: rr,
  };
}
