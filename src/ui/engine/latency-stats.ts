/** The session's latency statistics: p50 and p95 per stage over the photo searches shown. */
import { quantile } from '../../shared/metrics/quantile.ts';
import type { LatencyStats, Timings } from './engine-types.ts';

const STAGES = ['decode', 'preprocess', 'embed', 'search', 'total'] as const;

export function latencyStats(samples: readonly Timings[]): LatencyStats | null {
  if (!samples.length) return null;
  const p50 = {} as Timings;
  const p95 = {} as Timings;
  for (const stage of STAGES) {
    const values = samples.map((t) => t[stage]);
    p50[stage] = quantile(values, 0.5);
    p95[stage] = quantile(values, 0.95);
  }
  return { count: samples.length, p50, p95 };
}
