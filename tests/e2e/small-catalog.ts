/**
 * A small catalog built from real dataset photos, by default with two models (mobilenet-v2 and
 * the CLIP fixture), and a route that serves it (and the fixtures' files) in place of the app's
 * own catalog.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { buildCatalog } from '../../scripts/catalog/pipeline.ts';
import { buildClipFixture } from '../../scripts/models/make-clip-fixture.ts';
import { buildDinov2Fixture } from '../../scripts/models/make-dinov2-fixture.ts';
import { buildSiglipFixture } from '../../scripts/models/make-siglip-fixture.ts';
import { datasetImages, waitReady } from './fixtures.ts';

const root = resolve(import.meta.dirname, '../..');
/** The fixture models a small catalog can hold, and what (re)writes each into models/. */
const fixtures: Record<string, () => unknown> = {
  'clip-fixture': buildClipFixture,
  'siglip-fixture': buildSiglipFixture,
  'dinov2-fixture': buildDinov2Fixture,
};

/**
 * Builds the fixture models among `models`, then a catalog of `photos` (dataset file names) with
 * those models; returns its folder.
 */
export async function buildSmallCatalog(
  name: string,
  photos: string[],
  models = ['mobilenet-v2', 'clip-fixture'],
): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), `${name}-`));
  const catalogDir = join(work, 'catalog');
  for (const id of models) fixtures[id]?.();
  mkdirSync(join(work, 'images'));
  for (const p of photos) copyFileSync(join(datasetImages, p), join(work, 'images', p));
  await buildCatalog({
    images: join(work, 'images'),
    meta: resolve(datasetImages, '../images.csv'),
    models,
    out: catalogDir,
    cache: join(work, 'cache'),
    shardBytes: 4 * 1024 * 1024,
    // One view: the specs check that a photo finds itself with a score of about 1.
    views: ['full'],
  });
  return catalogDir;
}

/** Serves the catalog in `catalogDir` and the fixtures' files from disk instead of the app's. */
export async function serveCatalog(context: BrowserContext, catalogDir: string): Promise<void> {
  await context.route('**/catalog/**', async (route) => {
    const path = new URL(route.request().url()).pathname.split('/catalog/')[1];
    await route.fulfill({ body: readFileSync(join(catalogDir, path)) });
  });
  for (const id of Object.keys(fixtures)) {
    await context.route(`**/models/${id}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname.split(`/models/${id}/`)[1];
      await route.fulfill({ body: readFileSync(join(root, 'models', id, path)) });
    });
  }
}

/** Opens the app on the catalog in `catalogDir` (served as `serveCatalog` does), ready. */
export async function openWithCatalog(
  page: Page,
  context: BrowserContext,
  catalogDir: string,
): Promise<void> {
  await serveCatalog(context, catalogDir);
  await page.goto('./');
  await waitReady(page);
}
