import { describe, expect, it } from 'vitest';
import { blendEmbeddings } from './blend.ts';

describe('blendEmbeddings', () => {
  it('concatenates the unit head and weighted unit raw vectors, then normalises', () => {
    // Head [3, 4] -> [0.6, 0.8]; raw [0, 2] -> [0, 1] x 0.5; norm sqrt(1.25).
    const out = blendEmbeddings(Float32Array.of(3, 4), 2, Float32Array.of(0, 2), 2, 0.5);
    const n = Math.sqrt(1.25);
    expect(Array.from(out)).toEqual(
      [0.6 / n, 0.8 / n, 0, 0.5 / n].map((v) => expect.closeTo(v, 6)),
    );
  });

  it('makes cosines the weighted mean of head and raw cosines', () => {
    const head = Float32Array.of(1, 0, 0, 1); // two rows: orthogonal heads
    const raw = Float32Array.of(1, 1, 1, 1); // identical raws
    const out = blendEmbeddings(head, 2, raw, 2, 0.5);
    const dot = out.slice(0, 4).reduce((s, v, j) => s + v * out[4 + j], 0);
    expect(dot).toBeCloseTo((0 + 0.25 * 1) / 1.25, 6);
  });
});
