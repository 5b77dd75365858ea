/**
 * Validation scores of learned-whitening variants (scripts/lib/whitening.ts) against no
 * whitening: learned from training pairs only, scored on the validation queries, camera queries
 * and catalog (each catalog photo the unit mean of its whitened views, as the build stores it).
 */
import { meanOfViews } from '../lib/catalog-views.ts';
import type { DescriptorPairs } from '../lib/whitening-pairs.ts';
import { learnWhitening, type Whitening } from '../lib/whitening.ts';
import { whitenEmbedding, withoutTail, type WhitenedLayout } from '../lib/whitened-embedding.ts';
import { scoreCandidate, type CandidateScores, type ScoredSide } from './float-scores.ts';

export interface WhiteningVariant extends WhitenedLayout {
  shrinkage: number;
  /** Whitened dims kept (default: all). */
  out?: number;
}

export interface ValidationSides {
  /** Per catalog view, count x dim unwhitened rows. */
  catalogViews: Float32Array[];
  queries: Float32Array;
  camera: Float32Array;
  catalog: Omit<ScoredSide, 'vectors'>;
  queryMeta: Omit<ScoredSide, 'vectors'>;
  originals: readonly number[];
  dim: number;
}

/**
 * The variants validate-descriptors scores. tail 1 stands for "the model's colour tail" (the
 * caller puts in its width); the tail weight 0.283 = 0.4 / √2 keeps the colour's share beside a
 * unit CNN part as the unwhitened embedding has it (colour 0.4 beside two unit parts).
 */
export const WHITENING_VARIANTS: WhiteningVariant[] = [
  { tail: 0, tailWeight: 0, shrinkage: 0.01 },
  { tail: 0, tailWeight: 0, shrinkage: 0.1 },
  { tail: 0, tailWeight: 0, shrinkage: 0.3 },
  { tail: 0, tailWeight: 0, shrinkage: 0.1, out: 256 },
  { tail: 0, tailWeight: 0, shrinkage: 0.1, out: 128 },
  { tail: 1, tailWeight: 0.283, shrinkage: 0.01 },
  { tail: 1, tailWeight: 0.283, shrinkage: 0.1 },
  { tail: 1, tailWeight: 0.283, shrinkage: 0.3 },
  { tail: 1, tailWeight: 0.4, shrinkage: 0.1 },
  { tail: 1, tailWeight: 0.2, shrinkage: 0.1 },
  { tail: 1, tailWeight: 0.283, shrinkage: 0.1, out: 256 },
];

/**
 * Second sweep: whitening costs label precision when it replaces the embedding, so keep the
 * embedding and append the whitened part (cut to its first dims) at a weight; or shrink C_S
 * harder towards the identity.
 */
export const WHITENING_BLENDS: WhiteningVariant[] = [
  ...[0.6, 0.8, 0.9, 0.95].map((shrinkage) => ({ tail: 0, tailWeight: 0, shrinkage })),
  ...[128, 64].flatMap((out) =>
    [0.25, 0.5, 0.75, 1].map((blend) => ({ tail: 0, tailWeight: 0, shrinkage: 0.1, out, blend })),
  ),
];

/** Third sweep: around the blends that keep val P@5 (appended x0.25 to x0.5). */
export const WHITENING_FINE: WhiteningVariant[] = [
  ...[0.3, 0.35].map((blend) => ({ tail: 0, tailWeight: 0, shrinkage: 0.1, out: 128, blend })),
  ...[0.25, 0.35, 0.5].map((blend) => ({ tail: 0, tailWeight: 0, shrinkage: 0.1, out: 32, blend })),
  ...[0.35, 0.5].map((blend) => ({ tail: 0, tailWeight: 0, shrinkage: 0.3, out: 128, blend })),
  { tail: 0, tailWeight: 0, shrinkage: 0.1, out: 256, blend: 0.35 },
];

/** Fourth sweep: around the one fine variant that kept val P@5 within 0.005 (256 dims x0.35). */
export const WHITENING_WIDE: WhiteningVariant[] = [
  ...[0.3, 0.4, 0.45].map((blend) => ({ tail: 0, tailWeight: 0, shrinkage: 0.1, out: 256, blend })),
  ...[0.35, 0.4].map((blend) => ({ tail: 0, tailWeight: 0, shrinkage: 0.1, blend })),
];

export const variantName = (v: WhiteningVariant) =>
  `${v.tail ? `CNN part, colour tail x${v.tailWeight}` : 'whole embedding'}, shrinkage ${v.shrinkage}` +
  (v.out ? `, ${v.out} dims` : '') +
  (v.blend ? `, appended x${v.blend}` : '');

/** Scores one way of mapping rows (count x dim → count x width unit rows). */
export function scoreMapped(
  sides: ValidationSides,
  map: (rows: Float32Array) => Float32Array,
): CandidateScores {
  const count = sides.catalog.labels.length;
  const views = sides.catalogViews.map(map);
  const width = views[0].length / count;
  return scoreCandidate(
    { ...sides.catalog, vectors: meanOfViews(views, count, width) },
    { ...sides.queryMeta, vectors: map(sides.queries) },
    { vectors: map(sides.camera), originals: sides.originals },
    width,
  );
}

/** Rows [variant name, scores], the first without whitening; learned whitenings are shared. */
export function scoreWhiteningVariants(
  pairs: DescriptorPairs,
  sides: ValidationSides,
  variants: readonly WhiteningVariant[],
  log: (line: string) => void = () => {},
): [string, CandidateScores][] {
  const { dim } = sides;
  const rows: [string, CandidateScores][] = [['no whitening', scoreMapped(sides, (r) => r)]];
  const learned = new Map<string, Whitening>();
  for (const v of variants) {
    const key = `${v.tail} ${v.shrinkage}`;
    if (!learned.has(key)) {
      const started = performance.now();
      const a = withoutTail(pairs.anchors, dim, v.tail);
      const p = withoutTail(pairs.positives, dim, v.tail);
      learned.set(key, learnWhitening(a, p, dim - v.tail, { shrinkage: v.shrinkage }));
      log(`whitening: learned ${key} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const full = learned.get(key)!;
    const out = v.out ?? full.out;
    // A cut keeps the first principal rows of the same projection.
    const w = { ...full, out, projection: full.projection.subarray(0, out * full.dim) };
    rows.push([variantName(v), scoreMapped(sides, (r) => whitenEmbedding(w, v, r, dim))]);
  }
  return rows;
}
