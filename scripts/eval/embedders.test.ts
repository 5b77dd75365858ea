import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoDataset } from '../lib/cli.ts';
import { embeddersFor } from './embedders.ts';

const photo = new Uint8Array(
  readFileSync(resolve(demoDataset.images, 'ea7b6656-3f84-4eb3-9099-23e623fc1018.jpg')),
);
const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);

describe('embeddersFor', () => {
  it('embeds the catalog side as the mean of its views, the query side once', async () => {
    const pair = await embeddersFor('mobilenet-v2', ['full', 'centre-80']);
    try {
      expect(pair.query.cacheTag).toBe('');
      expect(pair.catalog.cacheTag).toBe('-views-full+centre-80');
      const [query, catalog] = [await pair.query.embed([photo]), await pair.catalog.embed([photo])];
      // A view mean is a unit vector near, but not equal to, the full photo's.
      expect(dot(catalog, catalog)).toBeCloseTo(1, 5);
      expect(dot(query, catalog)).toBeGreaterThan(0.8);
      expect(dot(query, catalog)).toBeLessThan(0.9999);
    } finally {
      await pair.dispose();
    }
  });

  it('gives the colour-histogram baseline the same embedder on both sides', async () => {
    const pair = await embeddersFor('colour-histogram', ['full', 'centre-80']);
    expect(pair.catalog).toBe(pair.query);
  });
});
