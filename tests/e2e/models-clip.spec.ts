/**
 * Two models in one catalog, offline: the CLIP fixture's image and text towers run through
 * transformers.js in the worker (on the app's own ONNX Runtime), the model picker switches
 * between the models' results, and words refine a photo search with a weight slider.
 */
import { rerankedOrder } from '../../src/shared/search/label-rerank.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { loadCatalog } from '../../scripts/lib/load-catalog.ts';
import { loadNodeModel } from '../../scripts/lib/node-model.ts';
import { searchTextNode } from '../../scripts/lib/text-search-node.ts';
import { afterSearch, datasetImages, expect, test, upload } from './fixtures.ts';
import { buildSmallCatalog, openWithCatalog } from './small-catalog.ts';

const photos = readdirSync(datasetImages).sort().slice(1000, 1040);
let catalogDir = '';

/** What Node (transformers.js on onnxruntime-node) ranks first for a text query. */
let nodeTextTop: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  catalogDir = await buildSmallCatalog('models-clip-e2e', photos);
  const catalog = await loadCatalog(catalogDir);
  const model = await loadNodeModel('clip-fixture');
  const found = await searchTextNode(catalog, model, 'striped blue shirt', 5);
  nodeTextTop = Array.from(found.indices, (i) => catalog.items.ids[i]);
  await model.dispose();
});

const modelPicker = (page: Page) => page.getByRole('combobox', { name: 'Model' });
const ids = (results: { id: string }[]) => results.map((r) => r.id);

test('the CLIP fixture embeds photos and words in the browser; the picker switches models', async ({
  page,
  context,
  requestWatch,
}) => {
  await openWithCatalog(page, context, catalogDir);

  // A catalog photo finds itself first with either model, and the models rank differently.
  const query = photos[7];
  const mobilenet = await afterSearch(page, () => upload(page, join(datasetImages, query)));
  expect(mobilenet[0].id).toBe(query.replace('.jpg', ''));
  await expect(modelPicker(page)).toHaveValue('mobilenet-v2');
  const downloadsSince = (before: number) =>
    requestWatch.requests
      .slice(before)
      .map((r) => new URL(r.url()).pathname)
      .filter((path) => /\/(models|catalog)\//.test(path));
  // The second model downloads when picked ("ready" waited for the default model only).
  let before = requestWatch.requests.length;
  const clip = await afterSearch(page, () => modelPicker(page).selectOption('clip-fixture'));
  expect(clip[0].id).toBe(query.replace('.jpg', ''));
  expect(clip[0].score).toBeGreaterThanOrEqual(0.99);
  expect(ids(clip)).not.toEqual(ids(mobilenet));
  expect(downloadsSince(before)).toContain('/models/clip-fixture/onnx/vision_model.onnx');
  // Switching back and forth reuses the open sessions and loaded shards: no download.
  before = requestWatch.requests.length;
  const back = await afterSearch(page, () => modelPicker(page).selectOption('mobilenet-v2'));
  expect(ids(back)).toEqual(ids(mobilenet));
  const again = await afterSearch(page, () => modelPicker(page).selectOption('clip-fixture'));
  expect(ids(again)).toEqual(ids(clip));
  expect(downloadsSince(before)).toEqual([]);

  // Words refine the photo with the text tower; the slider moves the results toward the words.
  await expect(page.getByText('reads words: they refine your photo')).toBeVisible();
  const box = page.getByRole('searchbox', { name: 'Search by words' });
  await box.fill('striped blue shirt');
  const mixed = await afterSearch(page, () => box.press('Enter'));
  expect(ids(mixed)).not.toEqual(ids(clip));
  const slider = page.getByRole('slider', { name: 'Weight of the words against the photo' });
  const wordsOnly = await afterSearch(page, () => slider.fill('1'));
  expect(ids(wordsOnly).slice(0, 5)).toEqual(nodeTextTop);
  const photoOnly = await afterSearch(page, () => slider.fill('0'));
  expect(ids(photoOnly)).toEqual(ids(clip));
});

test('a text query with the CLIP fixture is embedded, not read as keywords', async ({
  page,
  context,
}) => {
  await openWithCatalog(page, context, catalogDir);
  // Pick the model from a photo search, then start over and search by words alone.
  await afterSearch(page, () => upload(page, join(datasetImages, photos[3])));
  await afterSearch(page, () => modelPicker(page).selectOption('clip-fixture'));
  await page.getByRole('button', { name: 'Start over' }).click();
  const box = page.getByRole('searchbox', { name: 'Search by words' });
  await box.fill('striped blue shirt');
  const results = await afterSearch(page, () => box.press('Enter'));
  // Same ranking as Node's transformers.js run of the same model files.
  expect(ids(results).slice(0, 5)).toEqual(nodeTextTop);
  await expect(page.getByTestId('keyword-reading')).toHaveCount(0);
  const scores = results.map((r) => r.score);
  expect(rerankedOrder(scores)).toBe(true);
});
