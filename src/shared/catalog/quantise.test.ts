import { describe, expect, it } from 'vitest';
import { seededRandom } from '../search/seeded-random.ts';
import {
  CATALOG_CODE_MAX,
  QUERY_CODE_MAX,
  QuantiseError,
  dequantise,
  meanVector,
  normalizeVectors,
  queryCodeMax,
  quantiseQuery,
  quantiseVectors,
} from './quantise.ts';

const random = seededRandom(7);

describe('quantiseVectors', () => {
  it('keeps every component of the normalised vector within half a step', () => {
    const dim = 100;
    const vectors = Float32Array.from({ length: 50 * dim }, () => (random() - 0.3) * 5);
    const { codes, scales } = quantiseVectors(vectors, dim);
    const unit = normalizeVectors(vectors.slice(), dim);
    const restored = dequantise(codes, scales, dim);
    for (let i = 0; i < 50; i++) {
      let maxCode = 0;
      for (let j = 0; j < dim; j++) {
        const at = i * dim + j;
        expect(Math.abs(restored[at] - unit[at])).toBeLessThanOrEqual(scales[i] / 2 + 1e-7);
        maxCode = Math.max(maxCode, Math.abs(codes[at]));
      }
      // The largest component maps to ±127: the full range is used.
      expect(maxCode).toBe(CATALOG_CODE_MAX);
    }
  });

  it('gives cosines: dequantised self-similarity is 1 within quantisation error', () => {
    const dim = 512;
    const vectors = Float32Array.from({ length: 3 * dim }, () => random() * 10);
    const { codes, scales } = quantiseVectors(vectors, dim);
    const restored = dequantise(codes, scales, dim);
    for (let i = 0; i < 3; i++) {
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += restored[i * dim + j] ** 2;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 3);
    }
  });

  it('quantises residuals from a centre, and gives back centre + code × scale', () => {
    const dim = 64;
    // Vectors sharing a strong common direction, like real embeddings.
    const vectors = Float32Array.from({ length: 200 * dim }, (_, i) => 3 + (i % 7) + random());
    const center = meanVector(vectors, dim);
    const unit = normalizeVectors(vectors.slice(), dim);
    const plain = dequantise(
      quantiseVectors(vectors, dim).codes,
      quantiseVectors(vectors, dim).scales,
      dim,
    );
    const centred = quantiseVectors(vectors, dim, { center });
    expect(centred.center).toEqual(center);
    const restored = dequantise(centred.codes, centred.scales, dim, centred.center);
    let plainError = 0;
    let centredError = 0;
    for (let i = 0; i < unit.length; i++) {
      plainError += (plain[i] - unit[i]) ** 2;
      centredError += (restored[i] - unit[i]) ** 2;
    }
    // The residuals are small, so the same 8 bits describe them far more finely.
    expect(centredError).toBeLessThan(plainError / 4);
    expect(() => quantiseVectors(vectors, dim, { center: new Float32Array(3) })).toThrow(
      QuantiseError,
    );
  });

  it('maps a zero vector to zero codes and scale 0', () => {
    const { codes, scales } = quantiseVectors(new Float32Array(8), 4);
    expect([...codes]).toEqual(new Array(8).fill(0));
    expect([...scales]).toEqual([0, 0]);
  });

  it('rejects non-finite values and ragged input', () => {
    expect(() => quantiseVectors(new Float32Array([1, NaN]), 2)).toThrow(QuantiseError);
    expect(() => quantiseVectors(new Float32Array([1, Infinity]), 2)).toThrow(QuantiseError);
    expect(() => quantiseVectors(new Float32Array(5), 2)).toThrow(QuantiseError);
    expect(() => quantiseVectors(new Float32Array(4), 0)).toThrow(QuantiseError);
  });
});

describe('quantiseQuery', () => {
  it('writes 14-bit codes into the given buffer and returns the scale of the normalised query', () => {
    const query = Float32Array.from({ length: 64 }, () => random() * 2 - 1);
    const out = new Int16Array(64);
    const scale = quantiseQuery(query, out);
    expect(Math.max(...out.map(Math.abs))).toBe(QUERY_CODE_MAX);
    let norm = 0;
    for (const x of query) norm += x * x;
    norm = Math.sqrt(norm);
    for (let j = 0; j < 64; j++) {
      expect(Math.abs(out[j] * scale - query[j] / norm)).toBeLessThanOrEqual(scale / 2 + 1e-6);
    }
    // Scale-invariant: a longer query gives the same codes and a proportionally smaller scale.
    const again = new Int16Array(64);
    expect(
      quantiseQuery(
        query.map((x) => x * 3),
        again,
      ),
    ).toBeCloseTo(scale, 9);
    expect(again).toEqual(out);
  });

  it('refuses a query of the wrong length', () => {
    expect(() => quantiseQuery(new Float32Array(3), new Int16Array(4))).toThrow(QuantiseError);
  });

  it('narrows the code range for wide vectors, so a dot product with int8 codes fits an i32', () => {
    expect(queryCodeMax(2048)).toBe(QUERY_CODE_MAX);
    expect(queryCodeMax(16384)).toBe(1023);
    const out = new Int16Array(16384);
    quantiseQuery(
      Float32Array.from({ length: 16384 }, () => random() - 0.5),
      out,
    );
    expect(Math.max(...out.map(Math.abs))).toBe(1023);
    expect(128 * 1023 * 16384).toBeLessThan(2 ** 31);
  });
});
