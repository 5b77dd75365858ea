/**
 * Instance-first top result (issue 16). A model may declare an instance part of its output
 * (`spec.output.instance`: dims trained to find the same item, e.g. a learned whitening). Among
 * the top `depth` candidates of the blended search, the one whose instance part is most similar
 * to the query's goes first, when it beats the nearest candidate's by more than `margin`; the
 * others keep the label re-ranking's order. Results keep their own blended cosine as their score.
 * Chosen on the validation split, never the evaluation's queries (docs/training.md).
 */
import type { SearchResult } from './flat-index.ts';

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
}

/** Chosen by the rule in docs/training.md (validation split). */
export const INSTANCE_FIRST: InstanceFirstOptions = { depth: 20, margin: 0.06 };

/** What picking a first result needs: the query, and each candidate's vector as the index holds it. */
export interface InstanceQuery {
  part: InstancePart;
  query: ArrayLike<number>;
  /** Candidate `item`'s whole vector (e.g. FlatIndex.vector: its int8 row dequantised). */
  vector(item: number, out: Float32Array<ArrayBuffer>): ArrayLike<number>;
  options?: InstanceFirstOptions;
}

/** The instance query of a model's search, or null when its spec declares no instance part. */
export function instanceQueryFor(
  spec: { output: { instance?: InstancePart } },
  query: ArrayLike<number>,
  index: { vector(item: number, out: Float32Array<ArrayBuffer>): ArrayLike<number> },
): InstanceQuery | null {
  const part = spec.output.instance;
  return part ? { part, query, vector: (item, out) => index.vector(item, out) } : null;
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

/** The rank among `hits` (best first) to show first: 0 unless another beats it on the instance part. */
export function instanceFirstRank(hits: SearchResult, instance: InstanceQuery): number {
  const { depth, margin } = instance.options ?? INSTANCE_FIRST;
  const n = Math.min(hits.indices.length, depth);
  if (n < 2) return 0;
  const row = rowFor(instance.query.length);
  const similarity = (r: number) =>
    instanceCosine(instance.query, instance.vector(hits.indices[r], row), instance.part);
  const nearest = similarity(0);
  let best = 0;
  let bestSimilarity = nearest + margin;
  for (let r = 1; r < n; r++) {
    const s = similarity(r);
    // Strictly above: on a tie the nearest stays first.
    if (s > bestSimilarity) {
      best = r;
      bestSimilarity = s;
    }
  }
  return best;
}

/** `ranked` (at least k + 1 long, or all there is) with `item` moved to the front, cut to k. */
export function withFirst(ranked: SearchResult, item: number, k: number): SearchResult {
  const m = Math.min(k, ranked.indices.length);
  const out: SearchResult = { indices: new Int32Array(m), scores: new Float32Array(m) };
  if (m === 0) return out;
  const from = ranked.indices.indexOf(item);
  if (from < 0) throw new RangeError(`item ${item} is not among the ranked candidates`);
  out.indices[0] = item;
  out.scores[0] = ranked.scores[from];
  for (let i = 0, o = 1; o < m; i++) {
    if (i === from) continue;
    out.indices[o] = ranked.indices[i];
    out.scores[o] = ranked.scores[i];
    o++;
  }
  return out;
}
