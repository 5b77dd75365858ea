/** The one percentile definition of the project: the page's latency stats and the bench use it. */

/**
 * The q-quantile (0..1) of `values`, by linear interpolation between order statistics (numpy's
 * default), so a p50 of an even count is the mean of the middle two. NaN for no values.
 */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);
export const p95 = (values: readonly number[]) => quantile(values, 0.95);
