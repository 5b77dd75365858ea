/**
 * The SigLIP and DINOv2 fixtures through transformers.js in Node, in one catalog with the
 * default model: unit, deterministic embeddings of the right size; SigLIP words searched in the
 * photos' space through the int8 kernel; DINOv2 words read as keywords.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../catalog/pipeline.ts';
import { buildDinov2Fixture, DINOV2_FIXTURE_DIM } from '../models/make-dinov2-fixture.ts';
import { buildSiglipFixture, SIGLIP_FIXTURE_DIM } from '../models/make-siglip-fixture.ts';
import { loadCatalog, type LoadedCatalog } from '../lib/load-catalog.ts';
import {
  decodeImageNode,
  loadNodeModel,
  type DecodedImage,
  type NodeModel,
} from '../lib/node-model.ts';
import { searchTextNode } from '../lib/text-search-node.ts';

const shared = resolve(import.meta.dirname, '../../../shared/datasets/clothing');
const photos = readdirSync(join(shared, 'images')).sort().slice(600, 640);
const work = mkdtempSync(join(tmpdir(), 'transformers-families-'));

const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
};
const unitRows = (vectors: Float32Array, dim: number) => {
  for (let i = 0; i < vectors.length; i += dim) {
    expect(norm(vectors.subarray(i, i + dim))).toBeCloseTo(1, 5);
  }
};

let siglip: NodeModel;
let dinov2: NodeModel;
let catalog: LoadedCatalog;
let images: DecodedImage[];

beforeAll(async () => {
  buildSiglipFixture();
  buildDinov2Fixture();
  [siglip, dinov2] = await Promise.all([
    loadNodeModel('siglip-fixture'),
    loadNodeModel('dinov2-fixture'),
  ]);
  mkdirSync(join(work, 'images'));
  for (const p of photos) copyFileSync(join(shared, 'images', p), join(work, 'images', p));
  await buildCatalog({
    images: join(work, 'images'),
    meta: join(shared, 'images.csv'),
    models: ['mobilenet-v2', 'dinov2-fixture', 'siglip-fixture'],
    out: join(work, 'catalog'),
    cache: join(work, 'cache'),
    shardBytes: 4 * 1024 * 1024,
    // The full photo alone: these tests compare the transformers.js path with itself, and a
    // tiny random fixture's centre crop is far from its full photo (the views are the default's).
    views: ['full'],
  });
  catalog = await loadCatalog(join(work, 'catalog'));
  images = await Promise.all(
    photos.slice(0, 3).map((p) => decodeImageNode(join(shared, 'images', p))),
  );
});

afterAll(() => Promise.all([siglip?.dispose(), dinov2?.dispose()]));

describe('the SigLIP fixture through transformers.js in Node', () => {
  it('embeds photos and words as unit vectors of one dimension, deterministically', async () => {
    expect(siglip.dim).toBe(SIGLIP_FIXTURE_DIM);
    const imageVectors = await siglip.embedImages(images);
    const textVectors = await siglip.embedTexts!(['red dress', 'navy jacket for kids']);
    expect(imageVectors.length).toBe(3 * SIGLIP_FIXTURE_DIM);
    expect(textVectors.length).toBe(2 * SIGLIP_FIXTURE_DIM);
    unitRows(imageVectors, SIGLIP_FIXTURE_DIM);
    unitRows(textVectors, SIGLIP_FIXTURE_DIM);
    expect(
      dot(textVectors.subarray(0, SIGLIP_FIXTURE_DIM), textVectors.subarray(SIGLIP_FIXTURE_DIM)),
    ).toBeLessThan(0.999);
    expect(await siglip.embedImages(images)).toEqual(imageVectors);
    const fresh = await loadNodeModel('siglip-fixture');
    expect(await fresh.embedTexts!(['red dress', 'navy jacket for kids'])).toEqual(textVectors);
    await fresh.dispose();
  });

  it('pads every text to max_length, so a text embeds the same alone or beside a longer one', async () => {
    // SigLIP's text tower has no attention mask: with padding to the batch's longest text, the
    // pad tokens, and so the embedding, would depend on what else is in the batch.
    const alone = await siglip.embedTexts!(['red dress']);
    const batched = await siglip.embedTexts!([
      'red dress',
      'a long striped navy blue shirt for kids',
    ]);
    const drift = Math.max(...alone.map((x, i) => Math.abs(x - batched[i])));
    expect(drift).toBeLessThan(1e-5);
  });

  it('answers a text query in the photos’ space through the same int8 kernel', async () => {
    const found = await searchTextNode(catalog, siglip, 'red dress', 10);
    expect(found.keywords).toBeNull();
    expect(found.indices).toHaveLength(10);
    const text = await siglip.embedTexts!(['red dress']);
    const index = catalog.indexes.get('siglip-fixture')!;
    const cosines = catalog.items.ids.map((_, i) => {
      const v = index.vector(i);
      return dot(v, text) / norm(v);
    });
    expect(found.scores[0]).toBeCloseTo(Math.max(...cosines), 2);
    Array.from(found.indices).forEach((i, rank) =>
      expect(found.scores[rank]).toBeCloseTo(cosines[i], 2),
    );
    // And a catalog photo still finds itself first.
    const self = index.search(await siglip.embedImages([images[0]]), 1);
    expect(catalog.items.ids[self.indices[0]]).toBe(photos[0].replace('.jpg', ''));
  });
});

describe('the DINOv2 fixture through transformers.js in Node', () => {
  it('embeds photos as unit CLS vectors of its width, deterministically; it has no text tower', async () => {
    expect(dinov2.dim).toBe(DINOV2_FIXTURE_DIM);
    expect(dinov2.embedTexts).toBeUndefined();
    const vectors = await dinov2.embedImages(images);
    expect(vectors.length).toBe(3 * DINOV2_FIXTURE_DIM);
    unitRows(vectors, DINOV2_FIXTURE_DIM);
    expect(
      dot(
        vectors.subarray(0, DINOV2_FIXTURE_DIM),
        vectors.subarray(DINOV2_FIXTURE_DIM, 2 * DINOV2_FIXTURE_DIM),
      ),
    ).toBeLessThan(0.9999);
    const fresh = await loadNodeModel('dinov2-fixture');
    expect(await fresh.embedImages(images)).toEqual(vectors);
    await fresh.dispose();
    const index = catalog.indexes.get('dinov2-fixture')!;
    const self = index.search(vectors.slice(0, DINOV2_FIXTURE_DIM), 1);
    expect(catalog.items.ids[self.indices[0]]).toBe(photos[0].replace('.jpg', ''));
  });

  it('reads words as keyword filters over the catalog', async () => {
    const labels = catalog.items.fields.label;
    const label = [...new Set(labels)].find(
      (l) => l !== 'Not sure' && labels.filter((x) => x === l).length >= 2,
    )!;
    const found = await searchTextNode(catalog, dinov2, label.toLowerCase(), 10);
    expect(found.keywords?.filters.label).toEqual([label]);
    expect(found.indices.length).toBeGreaterThan(0);
    for (const i of found.indices) expect(labels[i]).toBe(label);
  });
});
