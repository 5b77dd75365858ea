/** Summary statistics of repeated timings (the percentiles are the app's own, src/shared/metrics). */

export { median, p95, quantile } from '../../src/shared/metrics/quantile.ts';

/** Rounds for reports: 3 significant decimals below 10, fewer above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const digits = Math.abs(value) < 10 ? 3 : Math.abs(value) < 100 ? 2 : 1;
  return Number(value.toFixed(digits));
}
