/**
 * The training protocol's split: the evaluation's photographer-disjoint split (same function,
 * same seed) first, then validation photographers carved from the evaluation's catalog side.
 * Training and validation never see a photographer the evaluation queries with.
 */
import { NON_LABELS, type LabelledPhoto } from './dataset.ts';
import { deriveSeed } from './seeded-random.ts';
import { splitPhotos, type Split, type SplitOptions } from './split.ts';

export interface TrainingSplit {
  /** The evaluation's split, exactly as `npm run eval` makes it. */
  evaluation: Split;
  /** Labelled photos the head learns from. */
  train: LabelledPhoto[];
  /** Validation queries (labelled photos of held-out training-side photographers). */
  valQueries: LabelledPhoto[];
  /** What validation queries search: the training photographers' photos, distractors included. */
  valCatalog: LabelledPhoto[];
}

export function trainingSplit(
  photos: readonly LabelledPhoto[],
  evaluation: SplitOptions,
  validationFraction = 0.2,
): TrainingSplit {
  if (evaluation.mode !== 'photographer') {
    throw new RangeError('training needs the photographer-disjoint evaluation split');
  }
  const split = splitPhotos(photos, evaluation);
  const inner = splitPhotos(split.catalog, {
    mode: 'photographer',
    queryFraction: validationFraction,
    seed: deriveSeed(evaluation.seed, 'validation'),
  });
  const train = inner.catalog.filter((p) => !NON_LABELS.has(p.label));
  // The protocol's promise, checked rather than assumed.
  const held = new Set(split.queryPhotographers);
  if ([...train, ...inner.queries].some((p) => held.has(p.photographer))) {
    throw new Error('training split leaks an evaluation query photographer');
  }
  return { evaluation: split, train, valQueries: inner.queries, valCatalog: inner.catalog };
}
