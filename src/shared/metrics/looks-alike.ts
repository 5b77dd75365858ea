/** The "looks alike" precision: same kind of item and same colour family, in the top 5. */

/**
 * "Looks alike" P@5: a result counts when it shares the query's label and its colour family.
 * `ranked` holds each query's top results (catalog indices).
 */
export function looksAlikePrecisionAt5(
  ranked: readonly ArrayLike<number>[],
  query: { labels: readonly string[]; colours: readonly string[] },
  catalog: { labels: readonly string[]; colours: readonly string[] },
): number {
  if (!ranked.length) return 0;
  let sum = 0;
  ranked.forEach((indices, q) => {
    const top = Array.from(indices).slice(0, 5);
    const hits = top.filter(
      (i) => catalog.labels[i] === query.labels[q] && catalog.colours[i] === query.colours[q],
    ).length;
    sum += hits / 5;
  });
  return sum / ranked.length;
}
