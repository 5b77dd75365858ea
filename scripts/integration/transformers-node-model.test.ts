import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combineQuery } from '../../src/shared/search/combine-query.ts';
import { buildCatalog } from '../catalog/pipeline.ts';
import { buildClipFixture, CLIP_FIXTURE_DIM } from '../models/make-clip-fixture.ts';
import { loadCatalog, type LoadedCatalog } from '../lib/load-catalog.ts';
import { decodeImageNode, loadNodeModel, type NodeModel } from '../lib/node-model.ts';
import { searchTextNode } from '../lib/text-search-node.ts';

const shared = resolve(import.meta.dirname, '../../../shared/datasets/clothing');
const photos = readdirSync(join(shared, 'images')).sort().slice(400, 440);
const work = mkdtempSync(join(tmpdir(), 'transformers-node-'));

const norm = (v: Float32Array) => Math.hypot(...v);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
};

let model: NodeModel;
let catalog: LoadedCatalog;

beforeAll(async () => {
  buildClipFixture();
  model = await loadNodeModel('clip-fixture');
  mkdirSync(join(work, 'images'));
  for (const p of photos) copyFileSync(join(shared, 'images', p), join(work, 'images', p));
  await buildCatalog({
    images: join(work, 'images'),
    meta: join(shared, 'images.csv'),
    models: ['clip-fixture'],
    out: join(work, 'catalog'),
    cache: join(work, 'cache'),
    shardBytes: 4 * 1024 * 1024,
    // The full photo alone: these tests compare the transformers.js path with itself, and a
    // tiny random fixture's centre crop is far from its full photo (the views are the default's).
    views: ['full'],
  });
  catalog = await loadCatalog(join(work, 'catalog'));
});

afterAll(() => model?.dispose());

describe('the CLIP fixture through transformers.js in Node', () => {
  it('embeds images and texts as unit vectors of one dimension, deterministically', async () => {
    const images = await Promise.all(
      photos.slice(0, 3).map((p) => decodeImageNode(join(shared, 'images', p))),
    );
    const imageVectors = await model.embedImages(images);
    const textVectors = await model.embedTexts!(['red dress', 'navy jacket for kids']);
    expect(model.dim).toBe(CLIP_FIXTURE_DIM);
    expect(imageVectors.length).toBe(3 * CLIP_FIXTURE_DIM);
    expect(textVectors.length).toBe(2 * CLIP_FIXTURE_DIM);
    for (const vectors of [imageVectors, textVectors]) {
      for (let i = 0; i < vectors.length; i += CLIP_FIXTURE_DIM) {
        expect(norm(vectors.subarray(i, i + CLIP_FIXTURE_DIM))).toBeCloseTo(1, 5);
      }
    }
    // Different inputs, different vectors; the same inputs, the same vectors (a fresh load too).
    expect(dot(textVectors.subarray(0, 64), textVectors.subarray(64))).toBeLessThan(0.999);
    expect(await model.embedImages(images)).toEqual(imageVectors);
    const fresh = await loadNodeModel('clip-fixture');
    expect(await fresh.embedTexts!(['red dress', 'navy jacket for kids'])).toEqual(textVectors);
    await fresh.dispose();
  });

  it('answers a text query through the same int8 kernel as image queries', async () => {
    const found = await searchTextNode(catalog, model, 'red dress', 10);
    expect(found.keywords).toBeNull();
    expect(found.indices).toHaveLength(10);
    const text = await model.embedTexts!(['red dress']);
    const index = catalog.indexes.get('clip-fixture')!;
    // The kernel's scores are the cosines with the stored vectors, best first.
    const cosines = catalog.items.ids.map((_, i) => {
      const v = index.vector(i);
      return dot(v, text) / norm(v);
    });
    const best = Math.max(...cosines);
    expect(found.scores[0]).toBeCloseTo(best, 2);
    Array.from(found.indices).forEach((i, rank) =>
      expect(found.scores[rank]).toBeCloseTo(cosines[i], 2),
    );
  });

  it('moves an image+text query toward the text as the text weight grows', async () => {
    const index = catalog.indexes.get('clip-fixture')!;
    const image = await model.embedImages([await decodeImageNode(join(work, 'images', photos[5]))]);
    const text = await model.embedTexts!(['striped blue shirt']);
    const unit = (i: number) => {
      const v = index.vector(i);
      return v.map((x) => x / norm(v));
    };
    let lastCosine = -Infinity;
    let lastTopTextScore = -Infinity;
    const tops: number[] = [];
    for (const weight of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
      const query = combineQuery(image, text, weight);
      expect(norm(query)).toBeCloseTo(1, 5);
      const cosine = dot(query, text);
      expect(cosine).toBeGreaterThan(lastCosine);
      lastCosine = cosine;
      const top = index.search(query, 1).indices[0];
      const topTextScore = dot(unit(top), text);
      expect(topTextScore).toBeGreaterThanOrEqual(lastTopTextScore - 1e-3);
      lastTopTextScore = topTextScore;
      tops.push(top);
    }
    // At weight 0 the photo finds itself; at weight 1 the text's own best match wins.
    expect(catalog.items.ids[tops[0]]).toBe(photos[5].replace('.jpg', ''));
    expect(tops.at(-1)).toBe(
      (await searchTextNode(catalog, model, 'striped blue shirt', 1)).indices[0],
    );
    expect(new Set(tops).size).toBeGreaterThan(1);
  });
});
