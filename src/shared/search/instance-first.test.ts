import { describe, expect, it } from 'vitest';
import { FlatIndex } from './flat-index.ts';
import {
  INSTANCE_FIRST,
  instanceCosine,
  instanceFirstItem,
  instanceQueryFor,
  withFirst,
  type InstanceQuery,
} from './instance-first.ts';
import {
  instanceFirstOrder,
  LABEL_RERANK,
  LabelReranker,
  rerankedOrder,
  searchWithLabels,
} from './label-rerank.ts';

/** Hits as the index returns them: best first. */
const hits = (pairs: [index: number, score: number][]) => ({
  indices: Int32Array.from(pairs, ([i]) => i),
  scores: Float32Array.from(pairs, ([, s]) => s),
});

// 4-d vectors: dims 0-1 the blended part, dims 2-3 the instance part.
const part = { offset: 2, dims: 2 };
const query = [1, 0, 3, 0];
/** Item i's vector: its instance part at angle `angles[i]` from the query's. */
function rows(angles: number[]) {
  return angles.map((a) => Float32Array.of(1, 0, Math.cos(a), Math.sin(a)));
}
function instanceQuery(angles: number[], options = INSTANCE_FIRST): InstanceQuery {
  const table = rows(angles);
  return { part, query, vector: (item) => table[item], options };
}

describe('instanceCosine', () => {
  it('normalises each instance sub-vector on its own and reads no other dim', () => {
    expect(instanceCosine([9, -9, 2, 0], [-5, 5, 0.5, 0.5], part)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(instanceCosine([1, 1, 0, 0], [1, 1, 1, 0], part)).toBe(0);
  });
});

describe('instanceFirstItem', () => {
  const five = hits([
    [0, 0.9],
    [1, 0.89],
    [2, 0.88],
    [3, 0.87],
    [4, 0.86],
  ]);

  it('picks the best instance match when it beats the nearest by more than the margin', () => {
    // Cosines: 0.8, 0.9, 0.95, 0.99, 0.7.
    const angles = [0.8, 0.9, 0.95, 0.99, 0.7].map(Math.acos);
    expect(instanceFirstItem(five, instanceQuery(angles, { depth: 5, margin: 0.1, pool: 0 }))).toBe(
      3,
    );
    expect(instanceFirstItem(five, instanceQuery(angles, { depth: 5, margin: 0.2, pool: 0 }))).toBe(
      0,
    );
  });

  it('looks only at the top `depth` candidates', () => {
    const angles = [0.8, 0.85, 0.8, 0.8, 0.99].map(Math.acos);
    expect(instanceFirstItem(five, instanceQuery(angles, { depth: 4, margin: 0, pool: 0 }))).toBe(
      1,
    );
    expect(instanceFirstItem(five, instanceQuery(angles, { depth: 5, margin: 0, pool: 0 }))).toBe(
      4,
    );
  });

  it('also weighs the nearest items by the instance part alone, when the pool asks for them', () => {
    // Item 7 is not among the hits, but the instance scan finds it: cosine 0.99 against 0.8.
    const angles = [0.8, 0.8, 0.8, 0.8, 0.8, 0, 0, 0.99].map(Math.acos);
    const asked: number[] = [];
    const instance = {
      ...instanceQuery(angles, { depth: 5, margin: 0.1, pool: 2 }),
      nearest: (count: number) => (asked.push(count), [7, 2]),
    };
    expect(instanceFirstItem(five, instance)).toBe(7);
    expect(asked).toEqual([2]);
    // No pool: the scan is not run and the nearest stays first.
    expect(
      instanceFirstItem(five, { ...instance, options: { depth: 5, margin: 0.1, pool: 0 } }),
    ).toBe(0);
    expect(asked).toEqual([2]);
  });

  it('keeps the nearest first on a tie', () => {
    expect(
      instanceFirstItem(five, instanceQuery([0, 0, 0, 0, 0], { depth: 5, margin: 0, pool: 0 })),
    ).toBe(0);
  });
});

describe('withFirst', () => {
  it('moves an item to the front, keeps the others in order and each its score, cuts to k', () => {
    const out = withFirst(
      hits([
        [7, 0.9],
        [8, 0.8],
        [9, 0.7],
        [6, 0.6],
      ]),
      9,
      3,
    );
    expect(Array.from(out.indices)).toEqual([9, 7, 8]);
    expect(Array.from(out.scores)).toEqual([0.7, 0.9, 0.8].map(Math.fround));
  });

  it('puts an item from outside the ranked ones first with the score it is given', () => {
    const ranked = hits([
      [7, 0.9],
      [8, 0.8],
    ]);
    const out = withFirst(ranked, 3, 3, () => 0.5);
    expect(Array.from(out.indices)).toEqual([3, 7, 8]);
    expect(Array.from(out.scores)).toEqual([0.5, 0.9, 0.8].map(Math.fround));
    expect(() => withFirst(ranked, 3, 3)).toThrow(RangeError);
  });
});

describe('searchWithLabels with an instance query', () => {
  //               0        1        2        3        4        5
  const labels = ['Dress', 'Dress', 'Shirt', 'Dress', 'Shirt', 'Hat'];
  const found = hits([
    [0, 0.9],
    [2, 0.895],
    [1, 0.89],
    [4, 0.885],
    [3, 0.88],
    [5, 0.87],
  ]);
  const search = (depth: number) => ({
    indices: found.indices.slice(0, depth),
    scores: found.scores.slice(0, depth),
  });
  // Item 5 (rank 6 of the blended search) is the best instance match by far.
  const angles = [1.2, 1.2, 1.2, 1.2, 1.2, 0.1];

  it('puts the instance pick first and the rest in the label re-ranking order', () => {
    const reranker = new LabelReranker(labels);
    const instance = instanceQuery(angles, { depth: 10, margin: 0.06, pool: 0 });
    const out = searchWithLabels(reranker, 4, search, instance);
    const labelOnly = searchWithLabels(reranker, 6, search);
    expect(out.indices[0]).toBe(5);
    expect(Array.from(out.indices.subarray(1))).toEqual(
      Array.from(labelOnly.indices.filter((i) => i !== 5)).slice(0, 3),
    );
    // Each result keeps its own blended cosine; ranks ≥ 2 remain a re-ranked order.
    expect(out.scores[0]).toBe(Math.fround(0.87));
    expect(rerankedOrder(Array.from(out.scores.subarray(1)), LABEL_RERANK)).toBe(true);
  });

  it('changes nothing when no candidate clears the margin, or the model declares no part', () => {
    const reranker = new LabelReranker(labels);
    const labelOnly = searchWithLabels(reranker, 4, search);
    const flat = [1, 1, 1, 1, 1, 1];
    const same = searchWithLabels(reranker, 4, search, instanceQuery(flat));
    expect(same).toEqual(labelOnly);
    const spec = { output: {} };
    const index = { vector: () => query, search: () => hits([]) };
    expect(instanceQueryFor(spec, query, index)).toBeNull();
    // Without labels, the index order with the pick first.
    const plain = searchWithLabels(
      null,
      3,
      search,
      instanceQuery(angles, { depth: 6, margin: 0, pool: 0 }),
    );
    expect(Array.from(plain.indices)).toEqual([5, 0, 2]);
  });

  it("reads candidates from a FlatIndex's int8 rows", async () => {
    const index = await FlatIndex.create({ dim: 4, backend: 'scalar' });
    const table = rows([1.2, 1.2, 0.1]);
    const codes = new Int8Array(12);
    const scales = new Float32Array(3);
    table.forEach((row, i) => {
      const max = Math.max(...row.map(Math.abs));
      scales[i] = max / 127;
      row.forEach((v, j) => (codes[i * 4 + j] = Math.round(v / scales[i])));
    });
    index.append(codes, scales);
    const spec = { output: { instance: part } };
    const instance = instanceQueryFor(spec, query, index)!;
    const out = searchWithLabels(null, 3, (depth) => index.search(query, depth), instance);
    expect(out.indices[0]).toBe(2);
  });

  it("finds the pool by scanning a FlatIndex with the query's instance part alone", async () => {
    const index = await FlatIndex.create({ dim: 4, backend: 'scalar' });
    // Item 2 is far from the query in the other dims but its instance part matches.
    const table = [
      Float32Array.of(1, 0, 0.2, 1),
      Float32Array.of(1, 0.2, 0.2, 1),
      Float32Array.of(-1, 0, 0.5, 0),
    ];
    const codes = new Int8Array(12);
    const scales = new Float32Array(3).fill(1 / 127);
    table.forEach((row, i) => row.forEach((v, j) => (codes[i * 4 + j] = Math.round(v * 127))));
    index.append(codes, scales);
    const spec = { output: { instance: part } };
    const options = { depth: 1, margin: 0.5, pool: 1 };
    const search = (depth: number) => index.search(query, depth);
    const found = { ...instanceQueryFor(spec, query, index)!, options };
    expect(Array.from(found.nearest!(1))).toEqual([2]);
    // The blended search of depth 2 leaves item 2 out; the pool brings it in.
    expect(Array.from(search(2).indices)).toEqual([0, 1]);
    const out = searchWithLabels(null, 2, search, found);
    expect(Array.from(out.indices)).toEqual([2, 0]);
    // Its shown score is its own cosine to the query: (-1 + 1.5) / (√10 · √1.25).
    expect(out.scores[0]).toBeCloseTo(0.5 / Math.sqrt(12.5), 2);
    // The scan keeps the search's options: an excluded item is never picked.
    const without = { ...instanceQueryFor(spec, query, index, { exclude: 2 })!, options };
    expect(searchWithLabels(null, 2, search, without).indices[0]).toBe(0);
  });
});

describe('instanceFirstOrder', () => {
  const w = LABEL_RERANK.weight;
  it('accepts the re-ranked order, or a pick from the top `depth` before one', () => {
    // No pick: the nearest first, a lifted result just below a higher one.
    expect(instanceFirstOrder([0.9, 0.8, 0.8 + w / 2, 0.7])).toBe(true);
    // A pick of rank 3 before the nearest and the re-ranked rest.
    expect(instanceFirstOrder([0.7, 0.9, 0.8, 0.8 + w / 2])).toBe(true);
  });

  it('rejects a first result from below the top `depth`, or a rest out of order', () => {
    const below = [0.5, ...Array.from({ length: 25 }, (_, i) => 0.9 - i * 0.001)];
    expect(instanceFirstOrder(below, LABEL_RERANK, { depth: 20, margin: 0, pool: 0 })).toBe(false);
    expect(instanceFirstOrder(below, LABEL_RERANK, { depth: 26, margin: 0, pool: 0 })).toBe(true);
    // With a pool, the first may come from anywhere (a pick by the instance part alone).
    expect(instanceFirstOrder(below, LABEL_RERANK, { depth: 20, margin: 0, pool: 3 })).toBe(true);
    // The rest must lead with its best: a rest led by a lower score is no search's order.
    expect(instanceFirstOrder([0.7, 0.8, 0.9])).toBe(false);
    expect(instanceFirstOrder([0.7, 0.9, 0.8, 0.8 + 2 * w])).toBe(false);
  });
});
