/**
 * Validation scores of a search as the app ranks it: exact float top 100, then the label
 * re-ranking and, for a model with an instance part, the instance-first top result (the
 * catalog's instance part read from its int8 row, as the index holds it). Shared by
 * validate-rerank.ts and validate-instance-whitening.ts.
 */
import { averagePrecisionAtK, precisionAtK, topK } from '../../src/shared/metrics/retrieval.ts';
import { looksAlikePrecisionAt5 } from '../../src/shared/metrics/looks-alike.ts';
import { MAX_K } from '../../src/shared/search/layout.ts';
import { dequantise, meanVector, quantiseVectors } from '../../src/shared/catalog/quantise.ts';
import {
  instanceCosine,
  type InstanceFirstOptions,
  type InstancePart,
} from '../../src/shared/search/instance-first.ts';
import {
  LabelReranker,
  searchWithLabels,
  type LabelRerankOptions,
} from '../../src/shared/search/label-rerank.ts';
import { searchAllScored } from './float-scores.ts';

export interface RerankSides {
  dim: number;
  /** The model's instance part, if any. */
  part?: InstancePart;
  catalog: Float32Array;
  labels: readonly string[];
  colours: readonly string[];
  queries: Float32Array;
  queryLabels: readonly string[];
  queryColours: readonly string[];
  camera: Float32Array;
  /** Catalog row of each camera query's original. */
  originals: readonly number[];
  /**
   * The queries and camera queries after query expansion, if studied: the first result stays
   * the unexpanded query's, the rest follow the expanded query's ranking.
   */
  expanded?: { queries: Float32Array; camera: Float32Array };
  /**
   * More rows per catalog photo (one count x dim block per view, e.g. crops): instance-first then
   * reads, of each candidate, whichever of its rows' instance parts is nearest the query's.
   */
  instanceViews?: readonly Float32Array[];
}

/** [P@5, looks-alike P@5, mAP@10, MRR, instance R@1, instance R@5, P@1] */
export type RerankScores = number[];

/** Dequantised int8 rows, as the index holds them. */
function heldRows(rows: Float32Array, dim: number): Float32Array {
  const held = quantiseVectors(rows, dim, { center: meanVector(rows, dim) });
  return dequantise(held.codes, held.scales, dim, held.center);
}

/**
 * The `count` catalog rows nearest `query` by its instance part alone (dot product with the held
 * rows' part, as the app's masked scan of the int8 index ranks them), best first.
 */
function partNearest(held: Float32Array, dim: number, { offset, dims }: InstancePart) {
  const n = held.length / dim;
  const scores = new Float32Array(n);
  return (query: Float32Array, count: number) => {
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let j = offset; j < offset + dims; j++) dot += query[j] * held[i * dim + j];
      scores[i] = dot;
    }
    return topK(scores, count);
  };
}

/**
 * How instance-first reads a candidate for `query`: its catalog row as the index holds it, or
 * with view rows, whichever of its rows' instance parts is nearest the query's.
 */
function heldRowReader(held: Float32Array, dim: number, views: readonly Float32Array[]) {
  const heldViews = views.map((rows) => heldRows(rows, dim));
  const rowOf = (rows: Float32Array, item: number) => rows.subarray(item * dim, (item + 1) * dim);
  return (query: Float32Array, at: InstancePart) => (item: number) => {
    let best = rowOf(held, item);
    let bestSimilarity = instanceCosine(query, best, at);
    for (const rows of heldViews) {
      const row = rowOf(rows, item);
      const s = instanceCosine(query, row, at);
      if (s > bestSimilarity) [best, bestSimilarity] = [row, s];
    }
    return best;
  };
}

/** A scorer over fixed sides: call it with re-ranking and instance-first settings. */
export function rerankScorer(sides: RerankSides) {
  const { dim, part, catalog, labels, queries, queryLabels, camera, originals } = sides;
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const queryHits = searchAllScored(queries, catalog, dim, MAX_K);
  const cameraHits = searchAllScored(camera, catalog, dim, MAX_K);
  const expanded = sides.expanded && {
    queries: searchAllScored(sides.expanded.queries, catalog, dim, MAX_K),
    camera: searchAllScored(sides.expanded.camera, catalog, dim, MAX_K),
  };
  const held = heldRows(catalog, dim);
  const rowReader = heldRowReader(held, dim, sides.instanceViews ?? []);
  const nearest = part && partNearest(held, dim, part);
  const instanceOf = (rows: Float32Array, q: number, options: InstanceFirstOptions | null) => {
    if (!options || !part || !nearest) return null;
    const query = rows.subarray(q * dim, (q + 1) * dim);
    const near = (count: number) => nearest(query, count);
    return { part, options, query, vector: rowReader(query, part), nearest: near };
  };

  return (
    settings: LabelRerankOptions | null,
    instance: InstanceFirstOptions | null = null,
  ): RerankScores => {
    const reranker = settings && new LabelReranker(labels, settings);
    const ranked = (
      hits: (typeof queryHits)[number],
      k: number,
      query: ReturnType<typeof instanceOf>,
    ) =>
      Array.from(
        searchWithLabels(
          reranker,
          k,
          (depth) => ({
            indices: hits.indices.subarray(0, depth),
            scores: hits.scores.subarray(0, depth),
          }),
          query,
        ).indices,
      );
    const rank = (hits: (typeof queryHits)[number], k: number, rows: Float32Array, q: number) => {
      const own = ranked(hits, k, instanceOf(rows, q, instance));
      const more = expanded && (rows === queries ? expanded.queries : expanded.camera)[q];
      if (!more) return own;
      const rest = ranked(more, k + 1, null).filter((item) => item !== own[0]);
      return [own[0], ...rest.slice(0, k - 1)];
    };
    let p1 = 0;
    let p5 = 0;
    let map = 0;
    let mrr = 0;
    const tops = queryHits.map((hits, q) => {
      const ranked = rank(hits, MAX_K, queries, q);
      const relevant = ranked.map((i) => labels[i] === queryLabels[q]);
      p1 += precisionAtK(relevant, 1);
      p5 += precisionAtK(relevant, 5);
      map += averagePrecisionAtK(relevant.slice(0, 10), 10, counts.get(queryLabels[q]) ?? 0);
      const first = relevant.indexOf(true);
      if (first >= 0) mrr += 1 / (first + 1);
      return ranked.slice(0, 10);
    });
    let r1 = 0;
    let r5 = 0;
    cameraHits.forEach((hits, q) => {
      const top = rank(hits, 5, camera, q);
      if (top[0] === originals[q]) r1++;
      if (top.includes(originals[q])) r5++;
    });
    const looksAlike = looksAlikePrecisionAt5(
      tops,
      { labels: queryLabels, colours: sides.queryColours },
      { labels, colours: sides.colours },
    );
    const m = queryHits.length;
    const c = cameraHits.length;
    return [p5 / m, looksAlike, map / m, mrr / m, r1 / c, r5 / c, p1 / m];
  };
}
