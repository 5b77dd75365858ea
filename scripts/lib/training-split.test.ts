import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabelledPhotos, NON_LABELS } from './dataset.ts';
import { DEFAULT_SPLIT, splitPhotos } from './split.ts';
import { trainingSplit } from './training-split.ts';

const shared = resolve(import.meta.dirname, '../../../shared/datasets/clothing');
const photos = loadLabelledPhotos({
  images: resolve(shared, 'images'),
  meta: resolve(shared, 'images.csv'),
});

describe('trainingSplit on the shared clothing set', () => {
  const split = trainingSplit(photos, DEFAULT_SPLIT);
  const photographers = (list: { photographer: string }[]) =>
    new Set(list.map((p) => p.photographer));

  it('uses exactly the evaluation split', () => {
    expect(split.evaluation).toEqual(splitPhotos(photos, DEFAULT_SPLIT));
  });

  it('never trains or validates on an evaluation query photographer', () => {
    const queryPhotographers = photographers(split.evaluation.queries);
    for (const p of [...split.train, ...split.valQueries, ...split.valCatalog]) {
      expect(queryPhotographers.has(p.photographer)).toBe(false);
    }
  });

  it('keeps validation photographers out of training', () => {
    const val = photographers(split.valQueries);
    expect(val.size).toBeGreaterThan(1);
    for (const p of split.train) expect(val.has(p.photographer)).toBe(false);
    expect(split.valCatalog.filter((p) => !NON_LABELS.has(p.label))).toEqual(split.train);
  });

  it('trains on labelled photos only, a sizeable share of the set', () => {
    expect(split.train.some((p) => NON_LABELS.has(p.label))).toBe(false);
    expect(split.train.length).toBeGreaterThan(0.5 * photos.length);
  });

  it('refuses a random evaluation split', () => {
    expect(() => trainingSplit(photos, { ...DEFAULT_SPLIT, mode: 'random' })).toThrow(RangeError);
  });
});
