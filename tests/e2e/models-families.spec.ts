/**
 * SigLIP and DINOv2 in the browser worker: one catalog with the default model and both
 * fixtures; each embeds photos through transformers.js on the app's own ONNX Runtime, SigLIP's
 * words are embedded (ranked as Node ranks them), DINOv2's words become keyword filters.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { loadCatalog, type LoadedCatalog } from '../../scripts/lib/load-catalog.ts';
import { loadNodeModel } from '../../scripts/lib/node-model.ts';
import { searchTextNode } from '../../scripts/lib/text-search-node.ts';
import { afterSearch, datasetImages, expect, test, upload } from './fixtures.ts';
import { buildSmallCatalog, openWithCatalog } from './small-catalog.ts';

let catalogDir = '';
const photos = readdirSync(datasetImages).sort().slice(2000, 2040);
const FIXTURES = ['siglip-fixture', 'dinov2-fixture'];

let catalog: LoadedCatalog;
/** Node's (transformers.js on onnxruntime-node) top 5 for SigLIP words. */
let siglipTextTop: string[] = [];
/** A label the catalog holds at least twice, and Node's keyword answer for it with DINOv2. */
let label = '';
let dinoKeywordTop: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  catalogDir = await buildSmallCatalog('models-families-e2e', photos, [
    'mobilenet-v2',
    ...FIXTURES,
  ]);
  catalog = await loadCatalog(catalogDir);
  const ids = (indices: Int32Array) => Array.from(indices, (i) => catalog.items.ids[i]);
  const siglip = await loadNodeModel('siglip-fixture');
  siglipTextTop = ids((await searchTextNode(catalog, siglip, 'striped blue shirt', 5)).indices);
  await siglip.dispose();
  const labels = catalog.items.fields.label;
  label = [...new Set(labels)].find(
    (l) => l !== 'Not sure' && labels.filter((x) => x === l).length >= 2,
  )!;
  const dinov2 = await loadNodeModel('dinov2-fixture');
  dinoKeywordTop = ids((await searchTextNode(catalog, dinov2, label.toLowerCase(), 5)).indices);
  await dinov2.dispose();
});

const modelPicker = (page: Page) => page.getByRole('combobox', { name: 'Model' });
const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search by words' });
const ids = (results: { id: string }[]) => results.map((r) => r.id);

/** Picks `model` from a photo search (the photo must find itself), then starts over. */
async function pickModel(page: Page, model: string) {
  const query = photos[9];
  await afterSearch(page, () => upload(page, join(datasetImages, query)));
  const results = await afterSearch(page, () => modelPicker(page).selectOption(model));
  expect(results[0].id).toBe(query.replace('.jpg', ''));
  expect(results[0].score).toBeGreaterThanOrEqual(0.99);
  return results;
}

test('SigLIP in the worker: photos find themselves, words are embedded in the same space', async ({
  page,
  context,
}) => {
  await openWithCatalog(page, context, catalogDir);
  await pickModel(page, 'siglip-fixture');
  await expect(page.getByText('reads words: they refine your photo')).toBeVisible();
  await page.getByRole('button', { name: 'Start over' }).click();
  await searchBox(page).fill('striped blue shirt');
  const results = await afterSearch(page, () => searchBox(page).press('Enter'));
  // The same ranking as Node's transformers.js run of the same files: words padded alike.
  expect(ids(results).slice(0, 5)).toEqual(siglipTextTop);
  await expect(page.getByTestId('keyword-reading')).toHaveCount(0);
});

test('DINOv2 in the worker: photos find themselves, words become keyword filters', async ({
  page,
  context,
}) => {
  await openWithCatalog(page, context, catalogDir);
  const photoResults = await pickModel(page, 'dinov2-fixture');
  expect(photoResults.length).toBeGreaterThan(1);
  await expect(page.getByText('sees pictures only: words become filters')).toBeVisible();
  await page.getByRole('button', { name: 'Start over' }).click();
  await searchBox(page).fill(label.toLowerCase());
  const results = await afterSearch(page, () => searchBox(page).press('Enter'));
  await expect(page.getByTestId('keyword-chip')).toHaveAttribute('data-value', label);
  const labelOf = new Map(catalog.items.ids.map((id, i) => [id, catalog.items.fields.label[i]]));
  for (const r of results) expect(labelOf.get(r.id)).toBe(label);
  expect(ids(results).slice(0, 5)).toEqual(dinoKeywordTop);
});
