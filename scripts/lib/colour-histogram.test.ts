import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colourHistogram, colourHistogramOf, COLOUR_HISTOGRAM_DIM } from './colour-histogram.ts';

const images = resolve(import.meta.dirname, '../../../shared/datasets/clothing/images');
const read = (id: string) => readFileSync(resolve(images, `${id}.jpg`));

describe('colourHistogram', () => {
  it('counts only the central region into the right bins, then L2-normalises', () => {
    // 4x4 RGB: a red centre 2x2 framed by blue; central share 0.5 keeps exactly the centre.
    const pixels = new Uint8Array(4 * 4 * 3);
    for (let i = 0; i < 16; i++) pixels.set([0, 0, 255], i * 3);
    for (const [x, y] of [
      [1, 1],
      [2, 1],
      [1, 2],
      [2, 2],
    ])
      pixels.set([255, 0, 0], (y * 4 + x) * 3);
    pixels.set([200, 100, 0], (1 * 4 + 1) * 3);
    const out = colourHistogram(pixels, 4, 4, 3, new Float32Array(COLOUR_HISTOGRAM_DIM), 0.5);
    const red = (7 * 8 + 0) * 8 + 0;
    const orange = (6 * 8 + 3) * 8 + 0;
    const blue = 7;
    // Counts 3 (red) and 1 (orange), normalised by sqrt(10).
    expect(out[red]).toBeCloseTo(3 / Math.sqrt(10), 6);
    expect(out[orange]).toBeCloseTo(1 / Math.sqrt(10), 6);
    expect(out[blue]).toBe(0);
  });

  it('rejects a buffer that does not match its size', () => {
    expect(() =>
      colourHistogram(new Uint8Array(10), 2, 2, 3, new Float32Array(COLOUR_HISTOGRAM_DIM)),
    ).toThrow(RangeError);
  });

  it('finds a red T-shirt closer to itself than to a differently coloured garment', async () => {
    const red = await colourHistogramOf(read('ea7b6656-3f84-4eb3-9099-23e623fc1018'));
    const again = await colourHistogramOf(read('ea7b6656-3f84-4eb3-9099-23e623fc1018'));
    const other = await colourHistogramOf(read('ea2ffd4d-9b25-4ca8-9dc2-bd27f1cc59fa'));
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
    expect(dot(red, red)).toBeCloseTo(1, 5);
    expect(dot(red, again)).toBeCloseTo(1, 5);
    expect(dot(red, other)).toBeLessThan(0.9);
  });
});
