/**
 * The evaluation split, shared with training: queries come from a seeded set of photographers
 * (or, for comparison, random photos) and the catalog holds everyone else's photos.
 */
import { NON_LABELS, type LabelledPhoto } from './dataset.ts';
import { seededRandom, shuffle } from './seeded-random.ts';

export type SplitMode = 'photographer' | 'random';

export interface SplitOptions {
  mode: SplitMode;
  /** Target share of all photos on the query side (whole photographers, so approximate). */
  queryFraction: number;
  seed: number;
}

export interface Split {
  /** Photos indexed for search (non-labels included, as distractors). */
  catalog: LabelledPhoto[];
  /** Query photos: query side, non-labels removed. */
  queries: LabelledPhoto[];
  /** Photographers on the query side (empty for a random split). */
  queryPhotographers: string[];
}

export const DEFAULT_SPLIT: SplitOptions = { mode: 'photographer', queryFraction: 0.2, seed: 7 };

/**
 * Splits photos in input order. Photographer mode shuffles the sorted photographer ids with the
 * seed and moves whole photographers to the query side until it holds `queryFraction` of photos.
 */
export function splitPhotos(photos: readonly LabelledPhoto[], options: SplitOptions): Split {
  if (!(options.queryFraction > 0 && options.queryFraction < 1)) {
    throw new RangeError(`query fraction must lie in (0, 1), got ${options.queryFraction}`);
  }
  const random = seededRandom(options.seed);
  const target = options.queryFraction * photos.length;
  const querySide = new Set<LabelledPhoto>();
  let queryPhotographers: string[] = [];
  if (options.mode === 'photographer') {
    const counts = new Map<string, number>();
    for (const p of photos) counts.set(p.photographer, (counts.get(p.photographer) ?? 0) + 1);
    const order = shuffle([...counts.keys()].sort(), random);
    const chosen = new Set<string>();
    let taken = 0;
    for (const photographer of order) {
      if (taken >= target) break;
      // Skip a photographer who would overshoot the target by more than they fill it.
      const n = counts.get(photographer)!;
      if (taken + n - target > target - taken) continue;
      chosen.add(photographer);
      taken += n;
    }
    // Every photographer too big for the target: take the first rather than none.
    if (!chosen.size && order.length) chosen.add(order[0]);
    if (chosen.size === counts.size) {
      throw new RangeError('photographer split left no photographer for the catalog');
    }
    for (const p of photos) if (chosen.has(p.photographer)) querySide.add(p);
    queryPhotographers = [...chosen].sort();
  } else {
    const order = shuffle([...photos], random);
    for (const p of order.slice(0, Math.round(target))) querySide.add(p);
  }
  return {
    catalog: photos.filter((p) => !querySide.has(p)),
    queries: photos.filter((p) => querySide.has(p) && !NON_LABELS.has(p.label)),
    queryPhotographers,
  };
}
