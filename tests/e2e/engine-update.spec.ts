import { createHash } from 'node:crypto';
import { expect, test } from './fixtures.ts';
import type { CatalogManifest, ItemTable } from '../../src/shared/catalog/manifest.ts';
import {
  expectReady,
  logRequests,
  manifestHashes,
  photos,
  searchWithPhoto,
  servedCatalog,
  storedState,
} from './engine-support.ts';

test('a new catalog version downloads in the background and is swapped in only once complete', async ({
  page,
  context,
}) => {
  await page.goto('./');
  await expectReady(page);
  const { manifest, items, shards } = await servedCatalog(page);
  const old = manifest.version;

  // The next version differs in one file: the item table, with one item relabelled.
  const changed = Math.floor(items.ids.length / 3);
  const nextItems: ItemTable = structuredClone(items);
  nextItems.fields.label[changed] = 'Relabelled';
  const itemBytes = Buffer.from(JSON.stringify(nextItems));
  const next: CatalogManifest = {
    ...manifest,
    version: `${old}-next`,
    items: {
      file: 'items-next.json',
      bytes: itemBytes.length,
      sha256: createHash('sha256').update(itemBytes).digest('hex'),
    },
  };
  await context.route('**/catalog/manifest.json', (route) => route.fulfill({ json: next }));
  // Hold the new file until the old catalog has been shown to keep working.
  let release!: () => void;
  const released = new Promise<void>((done) => (release = done));
  await context.route('**/catalog/items-next.json', async (route) => {
    await released;
    await route.fulfill({ body: itemBytes, contentType: 'application/json' });
  });

  const requests = logRequests(context);
  await page.reload();
  await expectReady(page);
  await expect.poll(async () => (await storedState(page)).pending).toBe(next.version);
  expect((await storedState(page)).current).toBe(old);
  let results = await searchWithPhoto(page, `${photos}/${items.ids[changed]}.jpg`);
  expect(results[0].id).toBe(items.ids[changed]);
  await expect(page.getByTestId('result').first()).not.toContainText('Relabelled');

  release();
  await expect
    .poll(async () => (await storedState(page)).current, { timeout: 30_000 })
    .toBe(next.version);
  expect((await storedState(page)).pending).toBeNull();
  // The old item table is collected right after the swap; files both versions share were
  // neither fetched nor deleted (the picture digests, fetched with the first picture, are one).
  const digests = next.thumbs.digests?.sha256;
  await expect
    .poll(async () => (await storedState(page)).files.filter((hash) => hash !== digests).sort())
    .toEqual(manifestHashes(next));
  expect(requests.filter((path) => shards.includes(path))).toEqual([]);
  expect(requests.filter((path) => path.endsWith('/catalog/items-next.json'))).toHaveLength(1);

  // The running page now answers from the new catalog.
  await page.locator('input[type="file"]').first().setInputFiles([]);
  results = await searchWithPhoto(page, `${photos}/${items.ids[changed]}.jpg`);
  expect(results[0].id).toBe(items.ids[changed]);
  await expect(page.getByTestId('result').first()).toContainText('Relabelled');
});
