/**
 * The uint8 range of an activation that loses least: from a histogram of its calibration values,
 * the [lo, hi] (a shrunk copy of the observed range) whose expected squared error, clipping
 * outside plus rounding (step² / 12) inside, is smallest. Min/max ranges waste most of the 256
 * steps on a few outliers in MobileNetV2's unbounded project outputs.
 */
import type { Range } from './qdq-pointwise.ts';

export interface Histogram {
  /** The observed range; bins split it evenly. */
  min: number;
  max: number;
  counts: Float64Array;
}

export function emptyHistogram(range: Range, bins = 2048): Histogram {
  return { min: Math.min(0, range.min), max: Math.max(0, range.max), counts: new Float64Array(bins) };
}

export function addToHistogram(h: Histogram, values: Float32Array): void {
  const bins = h.counts.length;
  const width = h.max - h.min;
  if (!(width > 0)) return;
  const scale = bins / width;
  for (let i = 0; i < values.length; i++) {
    const bin = Math.floor((values[i] - h.min) * scale);
    h.counts[bin < 0 ? 0 : bin >= bins ? bins - 1 : bin]++;
  }
}

/** Prefix sums of count, count·v and count·v² over the bins (v = bin centre). */
function prefixSums(h: Histogram) {
  const bins = h.counts.length;
  const width = (h.max - h.min) / bins;
  const n = new Float64Array(bins + 1);
  const s1 = new Float64Array(bins + 1);
  const s2 = new Float64Array(bins + 1);
  for (let b = 0; b < bins; b++) {
    const v = h.min + (b + 0.5) * width;
    const c = h.counts[b];
    n[b + 1] = n[b] + c;
    s1[b + 1] = s1[b] + c * v;
    s2[b + 1] = s2[b] + c * v * v;
  }
  return { n, s1, s2, width };
}

/**
 * Expected squared error per value of quantising the histogram's values to 256 steps on
 * [lo, hi] (bin centres stand for their values; lo and hi are rounded to bin edges).
 */
export function quantisationError(h: Histogram, lo: number, hi: number, sums = prefixSums(h)): number {
  const { n, s1, s2, width } = sums;
  const bins = h.counts.length;
  const total = n[bins];
  if (!total) return 0;
  const a = Math.max(0, Math.min(bins, Math.round((lo - h.min) / width)));
  const b = Math.max(a, Math.min(bins, Math.round((hi - h.min) / width)));
  // Σ c (lo - v)² below, Σ c (v - hi)² above, step² / 12 for each value inside.
  const below = n[a] * lo * lo - 2 * lo * s1[a] + s2[a];
  const above = s2[bins] - s2[b] - 2 * hi * (s1[bins] - s1[b]) + hi * hi * (n[bins] - n[b]);
  const step = (hi - lo) / 255;
  return (below + above + ((n[b] - n[a]) * step * step) / 12) / total;
}

const STEPS = 200;

/** The least-error range among the observed one with each side shrunk by 0.5 %, 1 %, … 99.5 %. */
export function chooseRange(h: Histogram): Range {
  const sums = prefixSums(h);
  let best: Range = { min: h.min, max: h.max };
  let bestError = quantisationError(h, h.min, h.max, sums);
  // Nonnegative tensors (min 0) have only the top to try.
  const loSteps = h.min < 0 ? STEPS : 1;
  for (let lo = loSteps; lo >= 1; lo--) {
    for (let hi = STEPS; hi >= 1; hi--) {
      const range = { min: (h.min * lo) / loSteps, max: (h.max * hi) / STEPS };
      const error = quantisationError(h, range.min, range.max, sums);
      if (error < bestError) [best, bestError] = [range, error];
    }
  }
  return best;
}
