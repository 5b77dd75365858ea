import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.ts';
import { whitenEmbedding, withoutTail, withPooledInput } from './whitened-embedding.ts';
import type { Whitening } from './whitening.ts';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
const unit = (v: Float32Array) => v.map((x) => x / Math.hypot(...v));

/** Two unit rows of width `dim`, and a random whitening of `dim - tail` dims into `out`. */
function setup(dim: number, tail: number, out: number) {
  const random = seededRandom(2);
  const rand = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
  const rows = new Float32Array([...unit(rand(dim)), ...unit(rand(dim))]);
  const whitening: Whitening = {
    dim: dim - tail,
    out,
    mean: rand(dim - tail),
    projection: rand(out * (dim - tail)),
  };
  return { rows, whitening };
}

describe('whitenEmbedding', () => {
  it('with a pooled input: whitens [embedding ‖ pooled rows], appends after the embedding alone', () => {
    const dim = 6;
    const { rows } = setup(dim, 0, 2);
    const { rows: pooledRows, whitening } = setup(4, -6, 3); // a whitening of 10 = 6 + 4 dims
    const blend = 0.35;
    const layout = { tail: 0, tailWeight: 0, blend };
    const both = whitenEmbedding(whitening, layout, rows, dim, { rows: pooledRows, dim: 4 });
    const wide = withPooledInput(rows, dim, pooledRows, 4);
    expect(wide.subarray(0, 10)).toEqual(
      Float32Array.from([...rows.subarray(0, 6), ...pooledRows.subarray(0, 4)]),
    );
    // The same as appending the whitening of the wide rows (whitened as if whole) after the embedding.
    const white = whitenEmbedding(whitening, { tail: 0, tailWeight: 0 }, wide, 10);
    const scale = 1 / Math.sqrt(1 + blend * blend);
    expect(both.length).toBe(2 * (dim + 3));
    for (let r = 0; r < 2; r++) {
      for (let j = 0; j < dim; j++)
        expect(both[r * 9 + j]).toBeCloseTo(scale * rows[r * dim + j], 6);
      for (let j = 0; j < 3; j++)
        expect(both[r * 9 + dim + j]).toBeCloseTo(scale * blend * white[r * 3 + j], 6);
    }
  });

  it('appended: cosines add as 1 : blend² (the unwhitened one plus the whitened one)', () => {
    const dim = 10;
    const { rows, whitening } = setup(dim, 0, 4);
    const blend = 0.5;
    const both = whitenEmbedding(whitening, { tail: 0, tailWeight: 0, blend }, rows, dim);
    const white = whitenEmbedding(whitening, { tail: 0, tailWeight: 0 }, rows, dim);
    expect(both.length).toBe(2 * (dim + 4));
    const cosine = dot(rows.subarray(0, dim), rows.subarray(dim));
    const whiteCosine = dot(white.subarray(0, 4), white.subarray(4));
    const expected = (cosine + blend * blend * whiteCosine) / (1 + blend * blend);
    expect(dot(both.subarray(0, dim + 4), both.subarray(dim + 4))).toBeCloseTo(expected, 5);
  });

  it('with a tail: whitens the rest and keeps the unit tail at its weight', () => {
    const dim = 12;
    const tail = 3;
    const { rows, whitening } = setup(dim, tail, 5);
    const out = whitenEmbedding(whitening, { tail, tailWeight: 0.5 }, rows, dim);
    expect(out.length).toBe(2 * (5 + tail));
    const row = out.subarray(0, 5 + tail);
    // |whitened part| = 1 and |tail| = 0.5 before the final normalisation.
    expect(Math.hypot(...row.subarray(5)) / Math.hypot(...row.subarray(0, 5))).toBeCloseTo(0.5, 5);
    const colour = unit(rows.slice(dim - tail, dim));
    const kept = unit(row.slice(5));
    for (let j = 0; j < tail; j++) expect(kept[j]).toBeCloseTo(colour[j], 5);
    expect(withoutTail(rows, dim, tail).length).toBe(2 * (dim - tail));
  });

  it('refuses a whitening of another width', () => {
    const { rows, whitening } = setup(12, 3, 5);
    expect(() => whitenEmbedding(whitening, { tail: 2, tailWeight: 0.5 }, rows, 12)).toThrow(
      RangeError,
    );
  });
});
