/**
 * The IndexedDB schema across app versions: a stored v1 catalog survives the next version's
 * schema upgrade (no download again) while an open older tab gives way instead of blocking it;
 * and a database left by a newer version (a rollback) does not break the app.
 */
import type { Page, Route } from '@playwright/test';
import { CATALOG_DB_NAME, CATALOG_DB_VERSION } from '../../src/storage/catalog-db.ts';
import {
  expectReady,
  logRequests,
  manifestHashes,
  photos,
  servedCatalog,
  storedState,
} from './engine-support.ts';
import { afterSearch, expect, test, upload } from './fixtures.ts';

// Worker scripts must come from the network (patched below), not the service worker's cache.
test.use({ serviceWorkers: 'block' });

/** The catalog database's version as the browser reports it (undefined: no database). */
function dbVersion(page: Page): Promise<number | undefined> {
  return page.evaluate(
    async (name) => (await indexedDB.databases()).find((db) => db.name === name)?.version,
    CATALOG_DB_NAME,
  );
}

const search = (page: Page, id: string) =>
  afterSearch(page, () => upload(page, `${photos}/${id}.jpg`));

test('a stored catalog survives the next schema version; an open older tab gives way', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  expect(CATALOG_DB_VERSION).toBe(2);
  // Today's app stores the catalog at schema version 2.
  await page.goto('./');
  await expectReady(page);
  const { manifest, items, files } = await servedCatalog(page);
  expect(await dbVersion(page)).toBe(2);

  // The next app version: the same code opening schema version 3. Its upgrade runs only the
  // steps above version 2, i.e. none: the stores and their records must come through as they are.
  let patched = 0;
  await context.route('**/assets/search.worker-*.js', async (route: Route) => {
    const response = await route.fetch();
    const open = /([`'"])lookalike-catalog\1,2,\{upgrade/g;
    const body = (await response.text()).replace(open, (_m, quote: string) => {
      patched++;
      return `${quote}lookalike-catalog${quote},3,{upgrade`;
    });
    await route.fulfill({ response, body });
  });
  const requests = logRequests(context);
  const next = await context.newPage();
  // The first tab still holds a version-1 connection: it must close it when asked, or this
  // upgrade would wait for it forever.
  await next.goto('./');
  await expectReady(next, 60_000);
  expect(patched).toBe(1);
  expect(await dbVersion(next)).toBe(3);

  // Nothing was downloaded again: the upgraded database served the whole catalog.
  expect(requests.filter((path) => files.includes(path))).toEqual([]);
  const stored = await storedState(next);
  expect(stored.current).toBe(manifest.version);
  expect(stored.files.sort()).toEqual(manifestHashes(manifest));
  expect((await search(next, items.ids[31]))[0].id).toBe(items.ids[31]);

  // The old tab keeps searching from memory.
  expect((await search(page, items.ids[32]))[0].id).toBe(items.ids[32]);
  await next.close();
});

test('a database left by a newer app version (a rollback) leaves the app working from memory', async ({
  page,
}) => {
  // A page of the app's origin that does not run the app.
  await page.goto('./catalog/manifest.json');
  // A newer version's database: the next schema version, with a store this version does not know.
  await page.evaluate(
    ([name, version]) =>
      new Promise<void>((done, fail) => {
        const open = indexedDB.open(name, version);
        open.onupgradeneeded = () => {
          open.result.createObjectStore('files', { keyPath: 'sha256' });
          open.result.createObjectStore('catalogs');
          open.result.createObjectStore('embeddings-cache');
        };
        open.onsuccess = () => {
          open.result.close();
          done();
        };
        open.onerror = () => fail(open.error);
      }),
    [CATALOG_DB_NAME, CATALOG_DB_VERSION + 1] as const,
  );

  await page.goto('./');
  await expectReady(page);
  // Its schema is left alone (the newer version may still be open elsewhere)...
  expect(await dbVersion(page)).toBe(CATALOG_DB_VERSION + 1);
  expect((await storedState(page)).files).toEqual([]);
  // ...and this session searches from memory, saying so next to the results.
  const { items } = await servedCatalog(page);
  expect((await search(page, items.ids[33]))[0].id).toBe(items.ids[33]);
  await expect(page.getByText(/Storage is unavailable/)).toBeVisible();
});
