/**
 * Resampling weights along one axis, PIL-style: a triangle (bilinear) filter whose support
 * widens with the downscale factor (antialiased), plain bilinear when upscaling.
 */

/** For each output pixel: the first input pixel it reads, how many, and their weights. */
export class AxisFilter {
  readonly outSize: number;
  readonly starts: Int32Array;
  readonly counts: Int32Array;
  /** Row o holds the weights of output pixel o, `stride` slots per row. */
  weights: Float32Array;
  stride: number;

  constructor(outSize: number, initialStride = 8) {
    this.outSize = outSize;
    this.starts = new Int32Array(outSize);
    this.counts = new Int32Array(outSize);
    this.stride = initialStride;
    this.weights = new Float32Array(outSize * initialStride);
  }

  /**
   * Maps the input span [start, start + length) onto the output; taps are clipped to
   * [0, limit), the image's extent on this axis. Allocates only when a larger downscale
   * than any before needs more taps.
   */
  compute(start: number, length: number, limit: number): void {
    const scale = length / this.outSize;
    const filterScale = Math.max(scale, 1);
    const support = filterScale; // the triangle filter's support is 1 at scale 1
    const taps = Math.ceil(support) * 2 + 1;
    if (taps > this.stride) {
      this.stride = taps;
      this.weights = new Float32Array(this.outSize * taps);
    }
    for (let o = 0; o < this.outSize; o++) {
      const center = start + (o + 0.5) * scale;
      const first = Math.max(Math.trunc(center - support + 0.5), 0);
      const end = Math.min(Math.trunc(center + support + 0.5), limit);
      const row = o * this.stride;
      let sum = 0;
      for (let i = first; i < end; i++) {
        const w = Math.max(0, 1 - Math.abs((i - center + 0.5) / filterScale));
        this.weights[row + i - first] = w;
        sum += w;
      }
      const count = Math.max(end - first, 0);
      if (sum > 0) {
        for (let k = 0; k < count; k++) this.weights[row + k] /= sum;
      }
      this.starts[o] = first;
      this.counts[o] = count;
    }
  }
}
