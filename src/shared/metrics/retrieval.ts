/**
 * Retrieval metrics for one query, from the relevance of its results in rank order. Pure
 * functions; a query with no relevant item scores 0 on every metric (callers that want to skip
 * such queries check `totalRelevant` first).
 */

function checkK(k: number): void {
  if (!(Number.isInteger(k) && k >= 1))
    throw new RangeError(`k must be a positive integer, got ${k}`);
}

function checkTotal(ranked: readonly boolean[], totalRelevant: number): void {
  const seen = ranked.filter(Boolean).length;
  if (!(Number.isInteger(totalRelevant) && totalRelevant >= seen)) {
    throw new RangeError(`totalRelevant ${totalRelevant} is below the ${seen} relevant results`);
  }
}

/**
 * The indices of the k highest scores, best first; equal scores keep index order (lower index
 * ranks first), so ties are broken the same way every time.
 */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  checkK(k);
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (best.length === k && !(s > scores[best[k - 1]])) continue;
    // Insert after every kept index with a score >= s: earlier indices win ties.
    let at = best.length;
    while (at > 0 && scores[best[at - 1]] < s) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

/** Relevance of the top-k results (see topK for ties). */
export function rankedRelevance(
  scores: ArrayLike<number>,
  isRelevant: (index: number) => boolean,
  k: number,
): boolean[] {
  return topK(scores, k).map(isRelevant);
}

/** Relevant results among the first k, divided by k (missing results count as misses). */
export function precisionAtK(ranked: readonly boolean[], k: number): number {
  checkK(k);
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (ranked[i]) hits++;
  return hits / k;
}

/** Share of all relevant items found in the first k results. */
export function recallAtK(ranked: readonly boolean[], k: number, totalRelevant: number): number {
  checkK(k);
  checkTotal(ranked, totalRelevant);
  if (totalRelevant === 0) return 0;
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (ranked[i]) hits++;
  return hits / totalRelevant;
}

/**
 * AP@k: the mean of precision@i over the ranks i <= k that hold a relevant item, divided by
 * min(k, totalRelevant), so a query with fewer than k relevant items can still reach 1.
 */
export function averagePrecisionAtK(
  ranked: readonly boolean[],
  k: number,
  totalRelevant: number,
): number {
  checkK(k);
  checkTotal(ranked, totalRelevant);
  if (totalRelevant === 0) return 0;
  let hits = 0;
  let sum = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    if (!ranked[i]) continue;
    hits++;
    sum += hits / (i + 1);
  }
  return sum / Math.min(k, totalRelevant);
}

/** 1 / rank of the first relevant result, 0 when none of the results is relevant. */
export function reciprocalRank(ranked: readonly boolean[]): number {
  const first = ranked.indexOf(true);
  return first < 0 ? 0 : 1 / (first + 1);
}
