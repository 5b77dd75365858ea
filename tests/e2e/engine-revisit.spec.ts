import { expect, test } from './fixtures.ts';
import {
  expectReady,
  logRequests,
  photos,
  searchWithPhoto,
  servedCatalog,
} from './engine-support.ts';
import { SELF_MATCH_MIN } from './self-match.ts';

test('a second visit loads the catalog from IndexedDB: only the manifest is fetched', async ({
  page,
  context,
}) => {
  await page.goto('./');
  await expectReady(page);
  const { manifest, items, files } = await servedCatalog(page);

  const requests = logRequests(context);
  await page.reload();
  await expectReady(page);
  const catalogRequests = requests.filter((path) => path.includes('/catalog/'));
  expect(catalogRequests.filter((path) => files.some((file) => path.endsWith(file)))).toEqual([]);
  // The manifest is still asked for, to notice a new catalog version.
  expect(catalogRequests).toContain('/catalog/manifest.json');
  // The model comes from IndexedDB too, not from the network.
  const model = `/models/${manifest.models[0].spec.id}/${manifest.models[0].spec.file}`;
  expect(requests.filter((path) => path === model)).toEqual([]);

  const results = await searchWithPhoto(page, `${photos}/${items.ids[0]}.jpg`);
  expect(results[0].id).toBe(items.ids[0]);
});

test('offline, a reload still reaches ready and searches', async ({ page, context }) => {
  await page.goto('./');
  await expectReady(page);
  const { items } = await servedCatalog(page);
  // The service worker serves the app shell and the model offline; the catalog is in IndexedDB.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The first visit ends once the background download has saved every picture for offline.
  await expect(page.getByTestId('pictures')).toHaveAttribute('data-state', 'done', {
    timeout: 120_000,
  });

  await context.setOffline(true);
  await page.reload();
  await expectReady(page);
  const id = items.ids[items.ids.length - 1];
  const results = await searchWithPhoto(page, `${photos}/${id}.jpg`);
  expect(results[0].id).toBe(id);
  expect(results[0].score).toBeGreaterThanOrEqual(SELF_MATCH_MIN);
});
