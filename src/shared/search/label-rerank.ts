/**
 * Soft category-aware re-ranking (issue 16). The query's category is guessed from the labels of
 * its nearest neighbours: a softmax vote of the top `votes` candidates, sharp enough that the
 * nearest dominate. Each candidate's score then gains `weight` × its label's share of the vote,
 * and the top `depth` candidates after the first are re-ordered by that: the nearest match stays
 * first (a photographed item is most often its own nearest, whatever its neighbours' kind). The
 * vote boosts and never filters: a result of another kind still ranks above when its cosine is
 * higher by more than the weight.
 * Results keep their own cosine as their score, so a shopper's "% similar" stays a similarity.
 * Chosen on the validation split, never the evaluation's queries (docs/training.md).
 */
import type { SearchResult } from './flat-index.ts';
import {
  INSTANCE_FIRST,
  blendedCosine,
  instanceFirstItem,
  withFirst,
  type InstanceFirstOptions,
  type InstanceQuery,
} from './instance-first.ts';
import { MAX_K } from './layout.ts';

/** The catalog field that names an item's kind (the build's metadata column). */
export const CATEGORY_FIELD = 'label';

export interface LabelRerankOptions {
  /** How many nearest candidates vote. */
  votes: number;
  /** Softmax temperature over their cosines: at 0.02, a 0.02 lead in cosine counts e ≈ 2.7 times more. */
  temperature: number;
  /** The score a candidate gains when every vote goes to its label. */
  weight: number;
  /** How many candidates are re-ordered (the index is asked for at least this many). */
  depth: number;
}

/**
 * Re-chosen for the 672-d model (colour term and learned whitening) by the rule in
 * docs/training.md: the largest validation mAP@10 with instance R@5 within 0.005 and MRR within
 * 0.01 of no re-ranking.
 */
export const LABEL_RERANK: LabelRerankOptions = {
  votes: 10,
  temperature: 0.02,
  weight: 0.02,
  depth: 50,
};

export class LabelReranker {
  readonly #options: LabelRerankOptions;
  /** Each item's label as a small integer; -1 for an item without one (it neither votes nor gains). */
  readonly #labelOf: Int32Array;
  /** Vote share per label id, reset per query. */
  readonly #share: Float64Array;
  readonly #adjusted = new Float64Array(MAX_K);
  readonly #order = Array.from({ length: MAX_K }, (_, i) => i);

  /** `labels`: one per catalog item, in index order ('' for none). */
  constructor(labels: readonly string[], options: LabelRerankOptions = LABEL_RERANK) {
    if (options.depth > MAX_K || options.votes > options.depth) {
      throw new RangeError('label re-ranking: votes ≤ depth ≤ MAX_K');
    }
    this.#options = options;
    const ids = new Map<string, number>();
    this.#labelOf = Int32Array.from(labels, (label) => {
      if (!label) return -1;
      let id = ids.get(label);
      if (id === undefined) ids.set(label, (id = ids.size));
      return id;
    });
    this.#share = new Float64Array(ids.size);
  }

  /** How many candidates to ask the index for when the shopper wants `k`. */
  depth(k: number): number {
    return Math.min(MAX_K, Math.max(k, this.#options.depth));
  }

  /** The top `k` of `hits` (best first, as the index returns them) after the label vote. */
  rerank(hits: SearchResult, k: number): SearchResult {
    const { indices, scores } = hits;
    const n = Math.min(indices.length, this.#options.depth);
    const share = this.#share;
    share.fill(0);
    let total = 0;
    const best = scores[0];
    for (let r = 0; r < Math.min(n, this.#options.votes); r++) {
      const label = this.#labelOf[indices[r]];
      if (label < 0) continue;
      // Relative to the best score, so the exponent never overflows.
      const w = Math.exp((scores[r] - best) / this.#options.temperature);
      share[label] += w;
      total += w;
    }
    const adjusted = this.#adjusted;
    const order = this.#order;
    for (let r = 0; r < n; r++) {
      const label = this.#labelOf[indices[r]];
      const gain = total > 0 && label >= 0 ? (this.#options.weight * share[label]) / total : 0;
      adjusted[r] = scores[r] + gain;
      order[r] = r;
    }
    // Insertion sort of ranks 2 to `depth`: stable, so equal scores keep the index's order.
    for (let i = 2; i < n; i++) {
      const r = order[i];
      let j = i - 1;
      while (j >= 1 && adjusted[order[j]] < adjusted[r]) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = r;
    }
    const m = Math.min(k, indices.length);
    const out: SearchResult = { indices: new Int32Array(m), scores: new Float32Array(m) };
    for (let i = 0; i < m; i++) {
      const r = i < n ? order[i] : i;
      out.indices[i] = indices[r];
      out.scores[i] = scores[r];
    }
    return out;
  }
}

const rerankers = new WeakMap<object, LabelReranker | null>();

/** The re-ranker of a catalog's item table, made once per table; null when it has no labels. */
export function labelRerankerFor(items: {
  fields: Record<string, readonly string[]>;
}): LabelReranker | null {
  let reranker = rerankers.get(items);
  if (reranker === undefined) {
    const labels = items.fields[CATEGORY_FIELD];
    reranker = labels ? new LabelReranker(labels) : null;
    rerankers.set(items, reranker);
  }
  return reranker;
}

/**
 * The top `k` of `search(depth)` (an index search), re-ranked when the catalog has labels; with
 * an instance query (a model that declares an instance part), its instance-first pick goes first
 * and the rest keep the label re-ranking's order.
 */
export function searchWithLabels(
  reranker: LabelReranker | null,
  k: number,
  search: (depth: number) => SearchResult,
  instance: InstanceQuery | null = null,
): SearchResult {
  if (!instance) return reranker ? reranker.rerank(search(reranker.depth(k)), k) : search(k);
  const wanted = (instance.options ?? INSTANCE_FIRST).depth;
  const hits = search(Math.min(MAX_K, Math.max(k, wanted, reranker?.depth(k) ?? 0)));
  const first = instanceFirstItem(hits, instance);
  const ranked = reranker ? reranker.rerank(hits, hits.indices.length) : hits;
  if (first < 0) return ranked;
  return withFirst(ranked, first, k, () => blendedCosine(instance, first));
}

/**
 * Whether scores (best first) can be an order this re-ranking makes: none above the first, none
 * more than the weight above the one before it. Tests check answers with it.
 */
export function rerankedOrder(
  scores: readonly number[],
  options: LabelRerankOptions = LABEL_RERANK,
): boolean {
  return scores.every((s, i) => i === 0 || (s <= scores[0] && s <= scores[i - 1] + options.weight));
}

/**
 * Whether scores (best first, as shown) can be an order `searchWithLabels` makes with an instance
 * query: either the re-ranked order itself (the nearest kept first), or an instance pick from the
 * top `depth` by score (fewer than `depth` shown above it; from anywhere with a pool) before the
 * re-ranked order of the rest, the nearest leading it. Results show their own cosine, so the
 * first may show less than the second. Tests check answers with it.
 */
export function instanceFirstOrder(
  scores: readonly number[],
  options: LabelRerankOptions = LABEL_RERANK,
  instance: InstanceFirstOptions = INSTANCE_FIRST,
): boolean {
  if (rerankedOrder(scores, options)) return true;
  // A pick by the instance part alone may come from anywhere; one from the blended search only
  // from its top `depth`.
  const above = scores.filter((s) => s > scores[0]).length;
  return (instance.pool > 0 || above < instance.depth) && rerankedOrder(scores.slice(1), options);
}
