import { describe, expect, it } from 'vitest';
import { LABEL_RERANK, LabelReranker } from './label-rerank.ts';

/** Hits as the index returns them: best first. */
const hits = (pairs: [index: number, score: number][]) => ({
  indices: Int32Array.from(pairs, ([i]) => i),
  scores: Float32Array.from(pairs, ([, s]) => s),
});

describe('LabelReranker', () => {
  //               0        1        2        3       4
  const labels = ['Dress', 'Shirt', 'Dress', 'Hat', ''];

  it("lifts a near tie of the neighbours' kind above another kind, keeping each cosine", () => {
    const reranker = new LabelReranker(labels);
    // The nearest two are dresses; a shirt sits between them by a hair (a tenth of the weight).
    const hair = LABEL_RERANK.weight / 10;
    const out = reranker.rerank(
      hits([
        [0, 0.8],
        [1, 0.8 - hair],
        [2, 0.8 - 2 * hair],
      ]),
      3,
    );
    expect(Array.from(out.indices)).toEqual([0, 2, 1]);
    expect(Array.from(out.scores)).toEqual([0.8, 0.8 - 2 * hair, 0.8 - hair].map(Math.fround));
  });

  it('keeps the nearest match first, whatever kind the others vote for', () => {
    const reranker = new LabelReranker(labels);
    const out = reranker.rerank(
      hits([
        [1, 0.8],
        [0, 0.799],
        [2, 0.798],
      ]),
      3,
    );
    expect(Array.from(out.indices)).toEqual([1, 0, 2]);
  });

  it('never filters: another kind with a lead larger than the weight stays first', () => {
    const reranker = new LabelReranker(labels);
    const lead = LABEL_RERANK.weight + 0.02;
    const out = reranker.rerank(
      hits([
        [0, 0.9],
        [3, 0.8],
        [2, 0.8 - lead],
      ]),
      3,
    );
    expect(Array.from(out.indices)).toEqual([0, 3, 2]);
  });

  it('leaves the order alone when no candidate has a label, and cuts to k', () => {
    const reranker = new LabelReranker(['', '', '', '', '']);
    const out = reranker.rerank(
      hits([
        [4, 0.9],
        [1, 0.5],
        [2, 0.4],
      ]),
      2,
    );
    expect(Array.from(out.indices)).toEqual([4, 1]);
  });

  it('asks the index for at least its depth, at most MAX_K', () => {
    const reranker = new LabelReranker(labels);
    expect(reranker.depth(5)).toBe(LABEL_RERANK.depth);
    expect(reranker.depth(80)).toBe(80);
    expect(reranker.depth(500)).toBe(100);
  });

  it('gives the same answer for the same hits, query after query (scratch state is reset)', () => {
    const reranker = new LabelReranker(labels);
    const a = hits([
      [1, 0.9],
      [3, 0.89],
      [0, 0.88],
      [2, 0.87],
    ]);
    const first = reranker.rerank(a, 4);
    reranker.rerank(
      hits([
        [0, 0.5],
        [2, 0.49],
      ]),
      2,
    );
    expect(Array.from(reranker.rerank(a, 4).indices)).toEqual(Array.from(first.indices));
  });
});
