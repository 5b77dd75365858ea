/**
 * Instance-first top result (issue 16). A model may declare an instance part of its output
 * (`spec.output.instance`: dims trained to find the same item, e.g. a learned whitening). Among
 * the top `depth` candidates of the blended search and the `pool` nearest items by the instance
 * part alone (a second scan, since the blend often leaves the photographed item out of the top
 * `depth`), the one whose instance part is most similar to the query's goes first, when it beats
 * the nearest candidate's by more than `margin` (`poolMargin` for a pooled item outside the top
 * `depth`); the others keep the label re-ranking's order.
 * Results keep their own blended cosine as their score. Chosen on the validation split, never
 * the evaluation's queries (docs/training.md).
 */
import type { ScanOptions, SearchResult } from './flat-index.ts';

/** Where a model's instance dims sit in its output (ModelSpec `output.instance`). */
export interface InstancePart {
  offset: number;
  dims: number;
}

export interface InstanceFirstOptions {
  /** How many of the blended search's best candidates may be put first. */
  depth: number;
  /** How much higher its instance cosine must be than the nearest candidate's. */
  margin: number;
  /** How many of the nearest items by the instance part alone may also be put first (0: none). */
  pool: number;
  /**
   * The margin such an item must clear when the blended search did not rank it in its top
   * `depth` (its other dims disagree, so it needs stronger evidence). Default: `margin`.
   */
  poolMargin?: number;
}

/** Chosen by the rule in docs/training.md (validation split). */
export const INSTANCE_FIRST: InstanceFirstOptions = {
  depth: 20,
  margin: 0.06,
  pool: 3,
  poolMargin: 0.14,
};

/** What picking a first result needs: the query, and each candidate's vector as the index holds it. */
export interface InstanceQuery {
  part: InstancePart;
  query: ArrayLike<number>;
  /** Candidate `item`'s whole vector (e.g. FlatIndex.vector: its int8 row dequantised). */
  vector(item: number, out: Float32Array<ArrayBuffer>): ArrayLike<number>;
  /** The `count` items nearest the query by the instance part alone, best first. */
  nearest?(count: number): ArrayLike<number>;
  options?: InstanceFirstOptions;
}

/** What instanceQueryFor reads of an index (a FlatIndex). */
export interface InstanceIndex {
  vector(item: number, out: Float32Array<ArrayBuffer>): ArrayLike<number>;
  search(query: ArrayLike<number>, k: number, options?: ScanOptions): SearchResult;
}

/** The query with every dim outside the part zeroed, reused by every search. */
let partQuery = new Float32Array(0);

/**
 * The instance query of a model's search, or null when its spec declares no instance part. Its
 * `nearest` scans `index` with the query's instance part alone (the other dims zeroed), under
 * `scan` (the search's filter and excluded item).
 */
export function instanceQueryFor(
  spec: { output: { instance?: InstancePart } },
  query: ArrayLike<number>,
  index: InstanceIndex,
  scan?: ScanOptions,
): InstanceQuery | null {
  const part = spec.output.instance;
  if (!part) return null;
  const nearest = (count: number) => {
    if (partQuery.length !== query.length) partQuery = new Float32Array(query.length);
    partQuery.fill(0);
    for (let j = part.offset; j < part.offset + part.dims; j++) partQuery[j] = query[j];
    return index.search(partQuery, count, scan).indices;
  };
  return { part, query, vector: (item, out) => index.vector(item, out), nearest };
}

/** Cosine of a's and b's instance sub-vectors, each normalised on its own (0 when either is 0). */
export function instanceCosine(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  { offset, dims }: InstancePart,
): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let j = offset; j < offset + dims; j++) {
    dot += a[j] * b[j];
    aa += a[j] * a[j];
    bb += b[j] * b[j];
  }
  return aa > 0 && bb > 0 ? dot / Math.sqrt(aa * bb) : 0;
}

/** One candidate row, reused by every search (the ranking path allocates nothing per query). */
let scratch = new Float32Array(0);
function rowFor(length: number): Float32Array<ArrayBuffer> {
  if (scratch.length !== length) scratch = new Float32Array(length);
  return scratch;
}

/**
 * The item to show first: the nearest of `hits` (best first), unless a candidate (one of its top
 * `depth`, or of the `pool` nearest by the instance part) beats the nearest's instance cosine by
 * more than the margin (`poolMargin` for a pooled item outside the top `depth`). -1 when there
 * are no hits.
 */
export function instanceFirstItem(hits: SearchResult, instance: InstanceQuery): number {
  const { depth, margin, pool, poolMargin = margin } = instance.options ?? INSTANCE_FIRST;
  if (hits.indices.length === 0) return -1;
  const row = rowFor(instance.query.length);
  const similarity = (item: number) =>
    instanceCosine(instance.query, instance.vector(item, row), instance.part);
  const nearest = hits.indices[0];
  const bar = similarity(nearest);
  const top = Math.min(hits.indices.length, depth);
  let best = nearest;
  let bestSimilarity = -Infinity;
  const consider = (item: number, itemMargin: number) => {
    if (item === nearest) return;
    const s = similarity(item);
    // Strictly above: on a tie the nearest (or the earlier candidate) stays first.
    if (s > bar + itemMargin && s > bestSimilarity) {
      best = item;
      bestSimilarity = s;
    }
  };
  for (let r = 1; r < top; r++) consider(hits.indices[r], margin);
  const pooled = pool > 0 && instance.nearest ? instance.nearest(pool) : [];
  for (let p = 0; p < pooled.length; p++) {
    let ranked = false;
    for (let r = 0; r < top && !ranked; r++) ranked = hits.indices[r] === pooled[p];
    consider(pooled[p], ranked ? margin : poolMargin);
  }
  return best;
}

/** Cosine of the whole query and item's vector as the index holds it (a pick from the pool). */
export function blendedCosine(instance: InstanceQuery, item: number): number {
  const { query } = instance;
  const row = instance.vector(item, rowFor(query.length));
  return Math.fround(instanceCosine(query, row, { offset: 0, dims: query.length }));
}

/**
 * `ranked` (at least k + 1 long, or all there is) with `item` moved to the front, cut to k. An
 * item not among them (a pick by the instance part alone) goes first with `score()`.
 */
export function withFirst(
  ranked: SearchResult,
  item: number,
  k: number,
  score?: () => number,
): SearchResult {
  const from = ranked.indices.indexOf(item);
  if (from < 0 && !score) throw new RangeError(`item ${item} is not among the ranked candidates`);
  const m = Math.min(k, ranked.indices.length + (from < 0 ? 1 : 0));
  const out: SearchResult = { indices: new Int32Array(m), scores: new Float32Array(m) };
  if (m === 0) return out;
  out.indices[0] = item;
  out.scores[0] = from < 0 ? score!() : ranked.scores[from];
  for (let i = 0, o = 1; o < m; i++) {
    if (i === from) continue;
    out.indices[o] = ranked.indices[i];
    out.scores[o] = ranked.scores[i];
    o++;
  }
  return out;
}
