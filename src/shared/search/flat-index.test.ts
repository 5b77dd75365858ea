import { describe, expect, it } from 'vitest';
import {
  dequantise,
  meanVector,
  queryCodeMax,
  quantiseQuery,
  quantiseVectors,
} from '../catalog/quantise.ts';
import { supportsBackend } from './backend-support.ts';
import { FlatIndex, MAX_K, type Backend, type SearchResult } from './flat-index.ts';
import { IndexError } from './index-error.ts';
import { referenceTopK, type ReferenceResult } from './reference-search.ts';
import { seededRandom } from './seeded-random.ts';

const backends = (['scalar', 'simd', 'relaxed'] as const).filter((b) => supportsBackend(b));
const random = seededRandom(42);
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

interface Catalog {
  dim: number;
  codes: Int8Array;
  scales: Float32Array;
}

/** Random codes; power-of-two scales keep every product exact in f32 and f64 alike. */
function randomCatalog(n: number, dim: number, codeRange = 127): Catalog {
  return {
    dim,
    codes: Int8Array.from({ length: n * dim }, () => int(-codeRange, codeRange)),
    scales: Float32Array.from({ length: n }, () => 2 ** -int(5, 9)),
  };
}

/**
 * Random query codes. `exact`: small enough that every dot product is below 2^24, so f32 holds
 * it exactly and kernel scores equal the float64 reference bit for bit.
 */
function randomQuery(dim: number, exact = true): Int16Array {
  const max = exact
    ? Math.min(queryCodeMax(dim), Math.floor(2 ** 24 / (128 * dim)))
    : queryCodeMax(dim);
  return Int16Array.from({ length: dim }, () => int(-max, max));
}

function randomMask(n: number, density: number): Uint8Array {
  const mask = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) if (random() < density) mask[i >> 3] |= 1 << (i & 7);
  return mask;
}

const bit = (mask: Uint8Array, i: number) => ((mask[i >> 3] >> (i & 7)) & 1) === 1;

async function indexOf(catalog: Catalog, backend: Backend, pieces = 1): Promise<FlatIndex> {
  const index = await FlatIndex.create({ dim: catalog.dim, backend });
  const n = catalog.scales.length;
  for (let p = 0; p < pieces; p++) {
    const from = Math.floor((n * p) / pieces);
    const to = Math.floor((n * (p + 1)) / pieces);
    index.append(
      catalog.codes.subarray(from * catalog.dim, to * catalog.dim),
      catalog.scales.subarray(from, to),
    );
  }
  return index;
}

const plain = (r: SearchResult) => ({ indices: [...r.indices], scores: [...r.scores] });

/**
 * Ids and scores equal the reference, except that items whose exact scores round to the same f32
 * neighbourhood may trade places (only possible with non-power-of-two scales).
 */
function expectNearReference(result: SearchResult, reference: ReferenceResult): void {
  expect(result.indices.length).toBe(reference.indices.length);
  const exact = new Map<number, number>();
  reference.indices.forEach((i, r) => exact.set(i, reference.scores[r]));
  result.indices.forEach((i, r) => {
    const tolerance = 1e-6 * Math.max(1, Math.abs(reference.scores[r]));
    expect(Math.abs(result.scores[r] - reference.scores[r])).toBeLessThanOrEqual(tolerance);
    if (i !== reference.indices[r]) {
      expect(Math.abs((exact.get(i) ?? Infinity) - reference.scores[r])).toBeLessThanOrEqual(
        2 * tolerance,
      );
    }
  });
}

describe.each(backends)('FlatIndex (%s)', (backend) => {
  it('equals the float64 reference exactly on random catalogs, with and without filters', async () => {
    for (const [n, dim] of [
      [1, 1],
      [7, 3],
      [8, 16],
      [13, 17],
      [100, 32],
      [257, 100],
      [1000, 64],
      [300, 512],
    ]) {
      const catalog = randomCatalog(n, dim);
      const index = await indexOf(catalog, backend, n > 10 ? 3 : 1);
      for (let t = 0; t < 16; t++) {
        const query = randomQuery(dim);
        const qscale = 2 ** -int(4, 8);
        const k = [1, 5, 10, 100][t % 4];
        // Dense masks make the kernel read every block, sparse ones make it skip blocks.
        const density = [null, 0.6, 0.1, 0.01][(t >> 2) % 4];
        const mask = density === null ? null : randomMask(n, density);
        const exclude = t % 2 === 0 ? int(0, n - 1) : -1;
        index.setFilter(mask);
        const result = index.searchQuantised(query, qscale, k, { exclude });
        const reference = referenceTopK(
          catalog.codes,
          catalog.scales,
          dim,
          query,
          qscale,
          k,
          (i) => i !== exclude && (!mask || bit(mask, i)),
        );
        expect(plain(result)).toEqual(reference);
      }
    }
  });

  it('breaks ties by the lower index', async () => {
    // Codes in {-1, 0, 1} over 4 dims: a few distinct dot products shared by many items.
    const catalog = randomCatalog(2000, 4, 1);
    catalog.scales.fill(0.5);
    const index = await indexOf(catalog, backend);
    for (let t = 0; t < 20; t++) {
      const query = Int16Array.from({ length: 4 }, () => int(-2, 2));
      const result = index.searchQuantised(query, 0.25, MAX_K);
      expect(plain(result)).toEqual(
        referenceTopK(catalog.codes, catalog.scales, 4, query, 0.25, MAX_K),
      );
      for (let r = 1; r < result.indices.length; r++) {
        if (result.scores[r] === result.scores[r - 1]) {
          expect(result.indices[r]).toBeGreaterThan(result.indices[r - 1]);
        }
      }
    }
  });

  it('matches the reference on real-looking embeddings (clustered, quantised by the build path)', async () => {
    const dim = 256;
    const n = 3000;
    const centres = Array.from({ length: 40 }, () =>
      Float32Array.from({ length: dim }, (_, j) => (random() * 2 - 1) / Math.sqrt(j + 1)),
    );
    const vectors = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const centre = centres[i % centres.length];
      for (let j = 0; j < dim; j++) {
        vectors[i * dim + j] = Math.max(0, centre[j] + (random() - 0.5) * 0.3);
      }
    }
    const { codes, scales } = quantiseVectors(vectors, dim);
    const index = await indexOf({ dim, codes, scales }, backend, 4);
    const queryCodes = new Int16Array(dim);
    for (let t = 0; t < 20; t++) {
      const query = Float32Array.from(vectors.subarray(t * dim, (t + 1) * dim), (x) => x * 1.01);
      const qscale = quantiseQuery(query, queryCodes);
      const mask = t % 2 ? randomMask(n, 0.3) : null;
      index.setFilter(mask);
      expectNearReference(
        index.search(query, 50),
        referenceTopK(codes, scales, dim, queryCodes, qscale, 50, (i) => !mask || bit(mask, i)),
      );
    }
  });

  it('searches a centred catalog: same ranking, scores include the centre', async () => {
    const dim = 96;
    const vectors = Float32Array.from({ length: 2000 * dim }, (_, i) => 2 + (i % 5) + random());
    const center = meanVector(vectors, dim);
    const centred = quantiseVectors(vectors, dim, { center });
    const index = await FlatIndex.create({ dim, backend });
    index.append(centred.codes.subarray(0, 1000 * dim), centred.scales.subarray(0, 1000), center);
    index.append(centred.codes.subarray(1000 * dim), centred.scales.subarray(1000), center);
    const queryCodes = new Int16Array(dim);
    for (let t = 0; t < 10; t++) {
      const query = vectors.subarray(t * dim, (t + 1) * dim);
      const qscale = quantiseQuery(query, queryCodes);
      const result = index.search(query, 20);
      expectNearReference(
        result,
        referenceTopK(
          centred.codes,
          centred.scales,
          dim,
          queryCodes,
          qscale,
          20,
          undefined,
          center,
        ),
      );
      // An item's own vector scores a cosine of about 1 with itself.
      expect(result.indices[0]).toBe(t);
      expect(result.scores[0]).toBeCloseTo(1, 2);
    }
    expect(index.vector(5)).toEqual(
      dequantise(
        centred.codes.subarray(5 * dim, 6 * dim),
        centred.scales.subarray(5, 6),
        dim,
        center,
      ),
    );
    expect(index.searchByIndex(5, 1, { exclude: -1 }).indices[0]).toBe(5);
    // Every shard of one index must share its centre.
    expect(() =>
      index.append(centred.codes.subarray(0, dim), centred.scales.subarray(0, 1)),
    ).toThrow(IndexError);
    expect(() =>
      index.append(
        centred.codes.subarray(0, dim),
        centred.scales.subarray(0, 1),
        new Float32Array(dim),
      ),
    ).toThrow(IndexError);
  });

  it('returns fewer results when fewer items qualify, none for an empty or fully filtered index', async () => {
    const empty = await FlatIndex.create({ dim: 8, backend });
    expect(empty.count).toBe(0);
    expect(plain(empty.search(new Float32Array(8).fill(1), 10))).toEqual({
      indices: [],
      scores: [],
    });
    const catalog = randomCatalog(20, 8);
    const index = await indexOf(catalog, backend);
    expect(index.search(new Float32Array(8).fill(1), 100).indices.length).toBe(20);
    expect(index.search(new Float32Array(8).fill(1), 100, { exclude: 4 }).indices).not.toContain(4);
    index.setFilter(new Uint8Array(3));
    expect(index.search(new Float32Array(8).fill(1), 10).indices.length).toBe(0);
    const three = new Uint8Array(3);
    three[0] = 0b10010000; // items 4 and 7
    three[2] = 0b00001000; // item 19, the last
    index.setFilter(three);
    expect(
      [...index.search(new Float32Array(8).fill(1), 10).indices].sort((a, b) => a - b),
    ).toEqual([4, 7, 19]);
    expect(index.search(new Float32Array(8).fill(1), 10, { filter: false }).indices.length).toBe(
      10,
    );
  });

  it('searches by a stored vector, excluding the item itself', async () => {
    // Normalised vectors (the build path), so an item is its own best match.
    const vectors = Float32Array.from({ length: 500 * 48 }, () => random() * 2 - 1);
    const catalog = { dim: 48, ...quantiseVectors(vectors, 48) };
    const index = await indexOf(catalog, backend);
    for (const i of [0, 7, 250, 499]) {
      const byIndex = index.searchByIndex(i, 10);
      expect(byIndex.indices).not.toContain(i);
      const stored = Float32Array.from(catalog.codes.subarray(i * 48, (i + 1) * 48));
      expect(plain(byIndex)).toEqual(plain(index.search(stored, 10, { exclude: i })));
      expect(index.searchByIndex(i, 1, { exclude: -1 }).indices[0]).toBe(i);
    }
  });

  it('keeps its data across growth, and after clear starts afresh', async () => {
    const catalog = randomCatalog(5000, 20);
    const once = await indexOf(catalog, backend);
    const inPieces = await indexOf(catalog, backend, 7); // grows and moves its sections
    const reserved = await FlatIndex.create({ dim: 20, backend });
    reserved.reserve(5000);
    reserved.append(catalog.codes, catalog.scales);
    for (let t = 0; t < 10; t++) {
      const query = randomQuery(20);
      const expected = plain(once.searchQuantised(query, 0.125, 30));
      expect(plain(inPieces.searchQuantised(query, 0.125, 30))).toEqual(expected);
      expect(plain(reserved.searchQuantised(query, 0.125, 30))).toEqual(expected);
    }
    expect(inPieces.vector(4999)).toEqual(
      Float32Array.from(catalog.codes.subarray(4999 * 20), (c) => c * catalog.scales[4999]),
    );
    inPieces.clear();
    expect(inPieces.count).toBe(0);
    expect(inPieces.byteLength).toBeLessThan(once.byteLength);
    inPieces.append(catalog.codes.subarray(0, 20), catalog.scales.subarray(0, 1));
    expect([...inPieces.search(new Float32Array(20).fill(1), 5).indices]).toEqual([0]);
  });

  it('rejects bad arguments with IndexError', async () => {
    const index = await indexOf(randomCatalog(10, 4), backend);
    const query = new Float32Array(4).fill(1);
    for (const bad of [
      () => index.search(query, 0),
      () => index.search(query, MAX_K + 1),
      () => index.search(query, 1.5),
      () => index.search(new Float32Array(5), 1),
      () => index.searchQuantised(new Int16Array(4).fill(queryCodeMax(4) + 1), 1, 1),
      () => index.searchByIndex(10, 1),
      () => index.search(query, 1, { exclude: -2 }),
      () => index.append(new Int8Array(5), new Float32Array(1)),
      () => index.append(new Int8Array(4), new Float32Array([NaN])),
      () => index.append(new Int8Array(4), new Float32Array([-1])),
      () => index.setFilter(new Uint8Array(1)),
      () => index.reserve(-1),
    ]) {
      expect(bad).toThrow(IndexError);
    }
    await expect(FlatIndex.create({ dim: 0 })).rejects.toThrow(IndexError);
  });

  it('drops the filter when items are appended (the mask no longer covers them)', async () => {
    const catalog = randomCatalog(16, 4);
    const index = await FlatIndex.create({ dim: 4, backend });
    index.append(catalog.codes.subarray(0, 32), catalog.scales.subarray(0, 8));
    index.setFilter(new Uint8Array([1]));
    expect(index.hasFilter).toBe(true);
    index.append(catalog.codes.subarray(32), catalog.scales.subarray(8));
    expect(index.hasFilter).toBe(false);
    expect(index.search(new Float32Array(4).fill(1), 100).indices.length).toBe(16);
  });
});

describe('backends', () => {
  it('agree bit for bit', async () => {
    expect(backends).toContain('simd');
    const catalog = randomCatalog(3001, 200);
    const indexes = await Promise.all(backends.map((b) => indexOf(catalog, b, 2)));
    for (let t = 0; t < 30; t++) {
      const query = Float32Array.from({ length: 200 }, () => random() * 2 - 1);
      const mask = t % 2 ? randomMask(3001, 0.2) : null;
      const k = 1 + (t % MAX_K);
      const results = indexes.map((index) => {
        index.setFilter(mask);
        return index.search(query, k, { exclude: t });
      });
      for (const result of results.slice(1)) expect(plain(result)).toEqual(plain(results[0]));
      // Full 14-bit query codes: dot products pass 2^24, so scores are f32-rounded.
      const codes = new Int16Array(200);
      const qscale = quantiseQuery(query, codes);
      const keep = (i: number) => i !== t && (!mask || bit(mask, i));
      expectNearReference(
        results[0],
        referenceTopK(catalog.codes, catalog.scales, 200, codes, qscale, k, keep),
      );
    }
  });

  it('auto picks the fastest supported backend', async () => {
    const index = await FlatIndex.create({ dim: 4 });
    expect(index.backend).toBe(backends[backends.length - 1]);
  });
});
