import { describe, expect, it } from 'vitest';
import { demoDataset } from './cli.ts';
import { loadLabelledPhotos } from './dataset.ts';
import { DEFAULT_INSTANCE_QUERIES, instancePicks } from './instance-queries.ts';
import { deriveSeed } from './seeded-random.ts';
import { DEFAULT_SPLIT } from './split.ts';
import { trainingSplit } from './training-split.ts';
import { pairPhotos } from './whitening-pairs.ts';

describe('pairPhotos on the shared set', () => {
  const split = trainingSplit(loadLabelledPhotos(demoDataset), DEFAULT_SPLIT);
  const photos = pairPhotos(split, 300);
  const ids = new Set(photos.map((p) => p.id));

  it('keeps only training photos', () => {
    const train = new Set(split.train.map((p) => p.id));
    expect(photos.length).toBeGreaterThan(1000);
    for (const id of ids) expect(train.has(id)).toBe(true);
  });

  it('leaves out every product the evaluation and the validation query with', () => {
    const queried = [
      ...instancePicks(split.evaluation.catalog, DEFAULT_INSTANCE_QUERIES, DEFAULT_SPLIT.seed).map(
        (i) => split.evaluation.catalog[i].id,
      ),
      ...instancePicks(split.valCatalog, 300, deriveSeed(DEFAULT_SPLIT.seed, 'validation')).map(
        (i) => split.valCatalog[i].id,
      ),
    ];
    expect(queried.some((id) => split.train.some((p) => p.id === id))).toBe(true);
    for (const id of queried) expect(ids.has(id)).toBe(false);
  });
});
