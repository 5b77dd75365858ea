/**
 * The instance-retrieval set: a seeded sample of catalog photos, each turned into one
 * camera-style query (see camera-queries.ts). Finding the original is a hit.
 */
import { readFile } from 'node:fs/promises';
import { makeCameraQuery } from './camera-queries.ts';
import type { LabelledPhoto } from './dataset.ts';
import type { PhotoSource } from './photo-source.ts';
import { deriveSeed, seededRandom, shuffle } from './seeded-random.ts';

/** Camera queries the evaluation makes by default (`npm run eval -- --instance N`). */
export const DEFAULT_INSTANCE_QUERIES = 300;

export interface InstanceSet {
  /** Catalog index of each query's original. */
  originals: number[];
  queries: PhotoSource[];
  /** Filled as queries are generated: the effects applied to each (same order). */
  effects: string[][];
  /**
   * Once query `q` is generated: its pixels stored upright when the query was stored sideways
   * (a paired check of orientation handling), else null. Only the evaluation-only set has them.
   */
  uprightTwin?: (q: number) => PhotoSource | null;
}

/**
 * The catalog photos (indices, ascending) that become camera queries. The evaluation-only shots
 * use the same sample, so training's exclusion of these products holds for both.
 */
export function instancePicks(
  catalog: readonly LabelledPhoto[],
  count: number,
  seed: number,
): number[] {
  return shuffle(
    catalog.map((_, i) => i),
    seededRandom(deriveSeed(seed, 'instance-sample')),
  )
    .slice(0, Math.min(count, catalog.length))
    .sort((a, b) => a - b);
}

export function instanceSet(
  catalog: readonly LabelledPhoto[],
  count: number,
  seed: number,
): InstanceSet {
  const picks = instancePicks(catalog, count, seed);
  const effects: string[][] = picks.map(() => []);
  // Each query is made once and kept (a few MB): every model embeds the same bytes.
  const made = new Map<number, Promise<Uint8Array>>();
  const make = async (q: number): Promise<Uint8Array> => {
    const photo = catalog[picks[q]];
    // One stream per photo id: the query does not depend on which others were sampled.
    const random = seededRandom(deriveSeed(seed, `camera:${photo.id}`));
    const query = await makeCameraQuery(await readFile(photo.path), random);
    effects[q] = query.effects;
    return query.jpeg;
  };
  const queries = picks.map((_, q): PhotoSource => ({
    load() {
      if (!made.has(q)) made.set(q, make(q));
      return made.get(q)!;
    },
  }));
  return { originals: picks, queries, effects };
}
