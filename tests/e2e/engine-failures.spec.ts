import { expect, test } from './fixtures.ts';
import {
  catalogFileRoute,
  expectReady,
  logRequests,
  manifestHashes,
  photos,
  searchWithPhoto,
  servedCatalog,
  storedState,
} from './engine-support.ts';

test('a corrupted shard is rejected with a clear message; a retry resumes the download', async ({
  page,
  context,
}) => {
  // Each test starts with empty storage: this is a first visit.
  const { manifest, shards } = await servedCatalog(page);
  const [model] = manifest.models;
  const bad = model.shards[model.shards.length - 1];

  // Serve the last shard (and its gzip copy) with one byte flipped in the middle.
  await context.route(catalogFileRoute(bad.file), async (route) => {
    const response = await route.fetch();
    const body = await response.body();
    body[body.length >> 1] ^= 0x40;
    await route.fulfill({ response, body });
  });
  await page.goto('./');
  await expect(page.getByTestId('status')).toHaveText(/failed verification.*corrupt/, {
    timeout: 60_000,
  });
  let stored = await storedState(page);
  expect(stored.current).toBeNull();
  expect(stored.files).not.toContain(bad.sha256);
  // What was verified before the bad shard stays stored, ready to resume from.
  expect(stored.files).toContain(manifest.items.sha256);
  expect(stored.files).toContain(model.spec.sha256);
  for (const shard of model.shards.slice(0, -1)) expect(stored.files).toContain(shard.sha256);
  // The retry fetches the default model's shards not stored yet: the bad one (other models'
  // shards load when picked).
  const missing = model.shards
    .filter((s) => !stored.files.includes(s.sha256))
    .map((s) => `/catalog/${s.file}`);
  expect(missing).toContain(`/catalog/${bad.file}`);

  await context.unroute(catalogFileRoute(bad.file));
  const requests = logRequests(context);
  await page.reload();
  await expectReady(page);
  const fetched = requests.filter(
    (path) => path.includes('/catalog/') && !path.endsWith('manifest.json'),
  );
  expect(fetched).toContain(`/catalog/${bad.file}`);
  expect(fetched).not.toContain(`/catalog/${manifest.items.file}`);
  expect(requests).not.toContain(`/models/${model.spec.id}/${model.spec.file}`);
  expect(fetched.filter((path) => shards.includes(path)).sort()).toEqual(missing.sort());
  stored = await storedState(page);
  expect(stored.current).toBe(manifest.version);
  expect(stored.files.sort()).toEqual(manifestHashes(manifest));
});

test('network errors and 5xx answers are retried with backoff', async ({ page, context }) => {
  const { manifest, items } = await servedCatalog(page);
  const shard = manifest.models[0].shards[0];
  let attempts = 0;
  await context.route(catalogFileRoute(shard.file), async (route) => {
    attempts++;
    if (attempts === 1) return route.abort('connectionreset');
    if (attempts === 2) return route.fulfill({ status: 503, body: 'busy' });
    return route.continue();
  });
  await page.goto('./');
  await expectReady(page);
  expect(attempts).toBe(3);
  const results = await searchWithPhoto(page, `${photos}/${items.ids[1]}.jpg`);
  expect(results[0].id).toBe(items.ids[1]);
});

test.describe('when storage is full', () => {
  // The worker script must come from the network (routed below), not the service worker's cache.
  test.use({ serviceWorkers: 'block' });

  test('the catalog works from memory for the session, with a notice', async ({
    page,
    context,
  }) => {
    // Every IndexedDB put in the search worker fails as a full disk does. Init scripts do not
    // reach workers, so the patch is prepended to the worker's own script.
    await context.route('**/assets/search.worker-*.js', async (route) => {
      const response = await route.fetch();
      const patch =
        'IDBObjectStore.prototype.put = function () {' +
        " throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };\n";
      await route.fulfill({ response, body: patch + (await response.text()) });
    });
    await page.goto('./');
    await expectReady(page);
    const { items } = await servedCatalog(page);
    const results = await searchWithPhoto(page, `${photos}/${items.ids[2]}.jpg`);
    expect(results[0].id).toBe(items.ids[2]);
    await expect(page.getByText(/Storage is full/)).toBeVisible();
    expect((await storedState(page)).current).toBeNull();
  });
});

test('an IndexedDB cleared behind the app is recovered by downloading again', async ({
  page,
  context,
}) => {
  await page.goto('./');
  await expectReady(page);
  const { manifest, items, shards } = await servedCatalog(page);

  // Deleting needs the worker to let go of its connection, which it does when asked.
  await page.evaluate(
    () =>
      new Promise<void>((done, fail) => {
        const request = indexedDB.deleteDatabase('lookalike-catalog');
        request.onsuccess = () => done();
        request.onerror = () => fail(request.error);
      }),
  );
  expect((await storedState(page)).current).toBeNull();
  // The running session keeps searching from memory.
  let results = await searchWithPhoto(page, `${photos}/${items.ids[3]}.jpg`);
  expect(results[0].id).toBe(items.ids[3]);

  const requests = logRequests(context);
  await page.reload();
  await expectReady(page);
  // "Ready" needs the default model's shards again; other models' load when picked.
  const readyShards = manifest.models[0].shards.map((s) => `/catalog/${s.file}`);
  expect(requests.filter((path) => shards.includes(path)).sort()).toEqual(readyShards.sort());
  expect((await storedState(page)).current).toBe(manifest.version);
  results = await searchWithPhoto(page, `${photos}/${items.ids[4]}.jpg`);
  expect(results[0].id).toBe(items.ids[4]);
});
