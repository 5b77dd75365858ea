import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabelledPhotos, NON_LABELS, type LabelledPhoto } from './dataset.ts';
import { DEFAULT_SPLIT, splitPhotos } from './split.ts';

const shared = resolve(import.meta.dirname, '../../../shared/datasets/clothing');
const photos = loadLabelledPhotos({
  images: resolve(shared, 'images'),
  meta: resolve(shared, 'images.csv'),
});

describe('splitPhotos on the shared clothing set', () => {
  it('keeps every query photographer out of the catalog', () => {
    const split = splitPhotos(photos, DEFAULT_SPLIT);
    const catalogPhotographers = new Set(split.catalog.map((p) => p.photographer));
    expect(split.queries.length).toBeGreaterThan(0);
    for (const q of split.queries) expect(catalogPhotographers.has(q.photographer)).toBe(false);
    expect(split.queryPhotographers.length).toBeGreaterThan(1);
  });

  it('puts about the requested share of photos on the query side', () => {
    const split = splitPhotos(photos, DEFAULT_SPLIT);
    const querySide = photos.length - split.catalog.length;
    expect(querySide / photos.length).toBeGreaterThan(0.15);
    expect(querySide / photos.length).toBeLessThan(0.25);
  });

  it('never queries with a non-label, but keeps non-labels in the catalog', () => {
    const split = splitPhotos(photos, DEFAULT_SPLIT);
    expect(split.queries.some((q) => NON_LABELS.has(q.label))).toBe(false);
    expect(split.catalog.some((p) => NON_LABELS.has(p.label))).toBe(true);
  });

  it('is the same for the same seed and differs for another', () => {
    const a = splitPhotos(photos, DEFAULT_SPLIT).queries.map((q) => q.id);
    const b = splitPhotos(photos, DEFAULT_SPLIT).queries.map((q) => q.id);
    const c = splitPhotos(photos, { ...DEFAULT_SPLIT, seed: DEFAULT_SPLIT.seed + 1 }).queries;
    expect(b).toEqual(a);
    expect(c.map((q) => q.id)).not.toEqual(a);
  });

  it('splits random photos when asked, with photographers on both sides', () => {
    const split = splitPhotos(photos, { ...DEFAULT_SPLIT, mode: 'random' });
    const catalogPhotographers = new Set(split.catalog.map((p) => p.photographer));
    expect(split.queries.some((q) => catalogPhotographers.has(q.photographer))).toBe(true);
    expect(split.catalog.length).toBe(photos.length - Math.round(0.2 * photos.length));
  });
});

describe('splitPhotos on a hand-made set', () => {
  const make = (photographer: string, n: number, label = 'Hat'): LabelledPhoto[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `${photographer}-${i}`,
      path: '',
      label,
      photographer,
    }));

  it('moves whole photographers, skipping one that would overshoot badly', () => {
    const set = [...make('big', 80), ...make('a', 10), ...make('b', 10)];
    for (let seed = 0; seed < 20; seed++) {
      const split = splitPhotos(set, { mode: 'photographer', queryFraction: 0.2, seed });
      // 'big' alone is 80% of the photos: taking it would overshoot 20% by far more than it fills.
      expect(split.queryPhotographers).not.toContain('big');
      expect(split.queries.length).toBe(20);
    }
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => splitPhotos(make('a', 3), { ...DEFAULT_SPLIT, queryFraction: 1 })).toThrow(
      RangeError,
    );
  });
});
