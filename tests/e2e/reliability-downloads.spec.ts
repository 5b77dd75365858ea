/**
 * Download faults the engine specs leave out: a slow (throttled) server, the network gone in the
 * middle of the first download (resumed once back online, verified files kept), and a catalog
 * update that fails midway while the old catalog keeps working (resumed on the next visit).
 */
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';
import type { CatalogManifest, FileRef, ItemTable } from '../../src/shared/catalog/manifest.ts';
import {
  catalogFileRoute,
  expectReady,
  logRequests,
  manifestHashes,
  photos,
  recordStatus,
  searchWithPhoto,
  servedCatalog,
  storedState,
} from './engine-support.ts';
import { afterSearch, expect, test, upload, watchRequests } from './fixtures.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * A proxy in front of the app that trickles catalog files (not the manifest) at `bytesPerSecond`
 * in small chunks: a slow mobile link, byte by byte, not just a late answer.
 */
function throttlingProxy(upstream: string, bytesPerSecond: number): Server {
  const chunk = 16 * 1024;
  const pause = (chunk / bytesPerSecond) * 1000;
  const throttle = () =>
    new Transform({
      transform(data: Buffer, _encoding, done) {
        void (async () => {
          for (let at = 0; at < data.length; at += chunk) {
            this.push(data.subarray(at, at + chunk));
            await new Promise((wait) => setTimeout(wait, pause));
          }
          done();
        })();
      },
    });
  return createServer((req, res) => {
    const target = new URL(req.url ?? '/', upstream);
    const forward = httpRequest(target, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      const slow = /\/catalog\/(?!manifest\.json)/.test(target.pathname);
      (slow ? up.pipe(throttle()) : up).pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
}

test('a slow server: progress keeps moving, nothing times out or is fetched twice', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(240_000);
  // ~0.8 MB/s for each catalog file: the default model's 1.65 MB shard alone takes 2 s.
  const rate = 800_000;
  const proxy = throttlingProxy(baseURL!, rate);
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const context = await browser.newContext({ baseURL: `${origin}/` });
  try {
    const watch = watchRequests(context, origin);
    const requests = logRequests(context);
    const page = await context.newPage();
    const statuses = await recordStatus(page);
    const started = Date.now();
    await page.goto('./');

    // While it downloads, the page stays responsive (the work is in the worker).
    await expect(page.getByTestId('status')).toHaveText(/^downloading /, { timeout: 30_000 });
    const lags: number[] = [];
    while ((await page.getByTestId('status').textContent())?.startsWith('downloading')) {
      const t = Date.now();
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(done)));
      lags.push(Date.now() - t);
      await page.waitForTimeout(250);
    }
    await expectReady(page, 180_000);
    const seconds = (Date.now() - started) / 1000;

    const { manifest, items, files } = await servedCatalog(page);
    const percents = (await statuses())
      .map((text) => /\((\d+)%\)$/.exec(text)?.[1])
      .filter((p): p is string => p !== undefined)
      .map(Number);
    console.log(
      `slow server: ready in ${seconds.toFixed(1)} s, ${percents.length} progress updates, ` +
        `worst frame wait ${Math.max(...lags)} ms`,
    );
    // The throttle held: the largest file "ready" waited for took its full time (its gzip
    // copy's, where it has one: that is what crosses the link).
    const sent = (ref: FileRef) => ref.gzipBytes ?? ref.bytes;
    const largest = Math.max(sent(manifest.items), ...manifest.models[0].shards.map(sent));
    expect(seconds).toBeGreaterThan(largest / rate);
    // Many steps, not one jump: a faster start (5-7 s here) shows about 10 to 13 of them.
    expect(new Set(percents).size).toBeGreaterThanOrEqual(6);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(Math.max(...lags)).toBeLessThan(1000);
    expect((await statuses()).filter((text) => /could not|failed|error/i.test(text))).toEqual([]);
    // No timeout or retry: every file came once.
    for (const file of files)
      expect(
        requests.filter((p) => p === file),
        file,
      ).toHaveLength(1);
    expect((await storedState(page)).current).toBe(manifest.version);

    const results = await searchWithPhoto(page, `${photos}/${items.ids[5]}.jpg`);
    expect(results[0].id).toBe(items.ids[5]);
    await watch.verify();
  } finally {
    await context.close();
    await new Promise((done) => proxy.close(done));
  }
});

test('offline in the middle of the first download: a clear message, then it resumes when back online', async ({
  page,
  context,
}) => {
  const { manifest, items } = await servedCatalog(page);
  // "Ready" waits for the default model, its shards and the item table: the connection drops
  // as the default model's shard starts.
  const shard = manifest.models[0].shards[0];
  let dropped = false;
  await context.route(catalogFileRoute(shard.file), async (route) => {
    if (!dropped) {
      dropped = true;
      await context.setOffline(true);
      return route.abort('internetdisconnected');
    }
    return route.continue();
  });
  const requests = logRequests(context);
  await page.goto('./');

  // The shard's download, or the runtime's still in flight, is the one cut off.
  const message =
    /^Could not download \S+: the network is unavailable\. Loading continues when you are back online\.$/;
  await expect(page.getByTestId('status')).toHaveText(message, { timeout: 60_000 });
  await expect(page.getByRole('heading', { name: 'The catalog could not load' })).toBeVisible();
  // Only files "ready" needs were stored, and not the cut one; no catalog is current.
  const readyFiles = [manifest.items.sha256, manifest.models[0].spec.sha256, shard.sha256];
  let stored = await storedState(page);
  expect(stored.current).toBeNull();
  expect(stored.files).not.toContain(shard.sha256);
  for (const hash of stored.files) expect(readyFiles).toContain(hash);

  // Back online: no reload, no click. The cut shard comes once; nothing stored comes again.
  const before = requests.length;
  await context.setOffline(false);
  await expectReady(page, 60_000);
  const after = requests.slice(before);
  expect(after.filter((p) => p === `/catalog/${shard.file}`)).toHaveLength(1);
  expect(after.filter((p) => p === `/catalog/${manifest.items.file}`)).toHaveLength(
    stored.files.includes(manifest.items.sha256) ? 0 : 1,
  );
  stored = await storedState(page);
  expect(stored.current).toBe(manifest.version);
  expect(stored.files).toEqual(expect.arrayContaining(readyFiles));
  const results = await searchWithPhoto(page, `${photos}/${items.ids[6]}.jpg`);
  expect(results[0].id).toBe(items.ids[6]);
});

test('an update that fails midway leaves the old catalog working; the next visit resumes it', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  await page.goto('./');
  await expectReady(page);
  const { manifest, items, shards } = await servedCatalog(page);
  const old = manifest.version;

  // The next version changes the item table (one item relabelled), and the server dies on it:
  // every try is cut off.
  const changed = Math.floor(items.ids.length / 2);
  const nextItems: ItemTable = structuredClone(items);
  nextItems.fields.label[changed] = 'Relabelled';
  const itemBytes = Buffer.from(JSON.stringify(nextItems));
  const next: CatalogManifest = {
    ...manifest,
    version: `${old}-next`,
    items: { file: 'items-next.json', bytes: itemBytes.length, sha256: sha256(itemBytes) },
  };
  await context.route('**/catalog/manifest.json', (route) => route.fulfill({ json: next }));
  let itemTries = 0;
  await context.route('**/catalog/items-next.json', (route) => {
    itemTries++;
    return route.abort('connectionreset');
  });

  const statuses = await recordStatus(page);
  await page.reload();
  await expectReady(page);
  // Searches work while the update downloads, retries and gives up, all from the old catalog.
  const search = (id: string) => afterSearch(page, () => upload(page, `${photos}/${id}.jpg`));
  let results = await search(items.ids[changed]);
  expect(results[0].id).toBe(items.ids[changed]);
  await expect.poll(() => itemTries, { timeout: 60_000 }).toBe(4);
  await page.waitForTimeout(500);
  results = await search(items.ids[changed + 1]);
  expect(results[0].id).toBe(items.ids[changed + 1]);
  expect((await statuses()).slice((await statuses()).indexOf('ready'))).toEqual(['ready']);
  await expect(page.getByText('Relabelled')).toHaveCount(0);
  // The old catalog is still current; the update is pending.
  let stored = await storedState(page);
  expect(stored.current).toBe(old);
  expect(stored.pending).toBe(next.version);
  expect(stored.files).not.toContain(next.items.sha256);

  // Next visit, the server is back: the old catalog serves at once, the update fetches only
  // the file it lacks, then swaps in.
  await context.unroute('**/catalog/items-next.json');
  await context.route('**/catalog/items-next.json', (route) =>
    route.fulfill({ body: itemBytes, contentType: 'application/json' }),
  );
  const requests = logRequests(context);
  await page.reload();
  await expectReady(page);
  await expect
    .poll(async () => (await storedState(page)).current, { timeout: 60_000 })
    .toBe(next.version);
  expect(requests.filter((p) => p.endsWith('/catalog/items-next.json'))).toHaveLength(1);
  expect(requests.filter((p) => shards.includes(p))).toEqual([]);
  stored = await storedState(page);
  expect(stored.pending).toBeNull();
  expect(stored.files).toEqual(expect.arrayContaining(manifestHashes(next)));
  results = await search(items.ids[changed]);
  expect(results[0].id).toBe(items.ids[changed]);
  await expect(page.getByTestId('result').first()).toContainText('Relabelled');
});
