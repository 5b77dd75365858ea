/** The session's latency statistics: p50 and p95 per stage over the photo searches shown. */
import type { LatencyStats, Timings } from './engine-types.ts';

const STAGES = ['decode', 'preprocess', 'embed', 'search', 'total'] as const;

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function latencyStats(samples: readonly Timings[]): LatencyStats | null {
  if (!samples.length) return null;
  const p50 = {} as Timings;
  const p95 = {} as Timings;
  for (const stage of STAGES) {
    const sorted = samples.map((t) => t[stage]).sort((a, b) => a - b);
    p50[stage] = percentile(sorted, 50);
    p95[stage] = percentile(sorted, 95);
  }
  return { count: samples.length, p50, p95 };
}
