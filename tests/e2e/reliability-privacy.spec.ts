/**
 * The shopper's photo stays on the device and is not kept: after searching with it (uploaded, or
 * shared from another app through the service worker), no request carries it and no IndexedDB
 * database, Cache Storage cache, OPFS file or web storage entry holds its bytes, its base64, or
 * a Blob or buffer of its size, its decoded size or the model input's size.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { build } from 'esbuild';
import sharp from 'sharp';
import {
  afterSearch,
  catalogPhoto,
  expect,
  openControlled,
  servedCatalog,
  shareLikeAndroid,
  test,
  upload,
  waitReady,
  type RequestWatch,
} from './fixtures.ts';
import type { PhotoNeedles, StorageScan, StorageScanGlobal } from './storage-scan.page.ts';

/** A shopper's photo no other file has: a catalog photo re-encoded, with a unique comment. */
async function privatePhoto(id: string) {
  const marker = `lookalike-privacy-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const jpeg = await sharp(catalogPhoto(id).path).rotate().jpeg({ quality: 88 }).toBuffer();
  const { width, height } = await sharp(jpeg).metadata();
  // A JPEG COM segment right after SOI.
  const comment = Buffer.alloc(4 + marker.length);
  comment.writeUInt16BE(0xfffe, 0);
  comment.writeUInt16BE(2 + marker.length, 2);
  comment.write(marker, 4, 'latin1');
  const bytes = Buffer.concat([jpeg.subarray(0, 2), comment, jpeg.subarray(2)]);
  const base64 = bytes.toString('base64');
  const mid = bytes.length >> 1;
  const needles: PhotoNeedles = {
    bytes: [[...Buffer.from(marker, 'latin1')], [...bytes.subarray(mid, mid + 48)]],
    text: [marker, base64.slice(base64.length >> 1, (base64.length >> 1) + 64)],
    sizes: [bytes.length, width! * height! * 4, 3 * 224 * 224 * 4],
  };
  return {
    bytes,
    marker,
    needles,
    file: { name: 'my-photo.jpg', mimeType: 'image/jpeg', buffer: bytes },
  };
}

/** The page-side scanner (storage-scan.page.ts), bundled once. */
let scannerScript: Promise<string> | undefined;

/** Reads everything the origin stores, in the page, and reports where any needle turns up. */
async function scanStorage(page: Page, needles: PhotoNeedles): Promise<StorageScan> {
  scannerScript ??= build({
    entryPoints: [join(import.meta.dirname, 'storage-scan.page.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'warning',
  }).then((result) => result.outputFiles[0].text);
  // Evaluated, not added as a <script>: the app's CSP allows no inline script.
  await page.evaluate(await scannerScript);
  return page.evaluate(
    (needles) => (globalThis as unknown as StorageScanGlobal).scanStorage(needles),
    needles,
  );
}

/** No request (page, workers, service worker) carried the photo, in its body or its URL. */
function expectNotSent(watch: RequestWatch, photo: Buffer, marker: string, except?: string) {
  const slice = photo.subarray(photo.length >> 1, (photo.length >> 1) + 48);
  const sent = watch.requests.filter((request) => {
    if (except && request.url().endsWith(except)) return false;
    const body = request.postDataBuffer();
    return (
      request.url().includes(marker) ||
      (body !== null && (body.includes(slice) || body.includes(marker)))
    );
  });
  expect(sent.map((r) => `${r.method()} ${r.url()}`)).toEqual([]);
}

test('an uploaded photo is searched, then neither sent nor stored anywhere', async ({
  page,
  requestWatch,
}) => {
  await page.goto('./');
  await waitReady(page);
  const catalog = await servedCatalog(page.request, page.url());
  const id = catalog.ids[23];
  const photo = await privatePhoto(id);

  const results = await afterSearch(page, () => upload(page, photo.file));
  expect(results[0].id).toBe(id);
  const box = page.getByTestId('crop-box');
  await afterSearch(page, async () => {
    await box.focus();
    await box.press('Shift+ArrowLeft');
  });
  // The service worker is in charge by now, and a reload lets anything deferred be written.
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
    .toBe(true);
  await page.reload();
  await waitReady(page);

  const scan = await scanStorage(page, photo.needles);
  console.log(
    `privacy scan: ${scan.databases.length} IndexedDB databases (${scan.records} records), ` +
      `${scan.caches.length} caches (${scan.responses} responses), ${scan.opfsFiles} OPFS files, ` +
      `${scan.webStorageKeys} web storage keys; ${(scan.bytesScanned / 1e6).toFixed(1)} MB read, photo found ${scan.found.length} times`,
  );
  expect(scan.found).toEqual([]);
  // The scan really read the app's storage: the catalog database and the precache.
  expect(scan.databases).toContain('lookalike-catalog');
  expect(scan.records).toBeGreaterThan(10);
  expect(scan.caches.some((name) => name.includes('precache'))).toBe(true);
  expect(scan.bytesScanned).toBeGreaterThan(10_000_000);
  expectNotSent(requestWatch, photo.bytes, photo.marker);

  // And it would have noticed: the photo stored as a Blob, and as a data: URL string.
  await page.evaluate(
    async ({ base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const cache = await caches.open('privacy-probe');
      await cache.put('/probe', new Response(new Blob([bytes], { type: 'image/jpeg' })));
      localStorage.setItem('probe', `data:image/jpeg;base64,${base64}`);
    },
    { base64: photo.bytes.toString('base64') },
  );
  const probed = await scanStorage(page, photo.needles);
  await page.evaluate(async () => {
    await caches.delete('privacy-probe');
    localStorage.removeItem('probe');
  });
  expect(probed.found.sort()).toEqual([
    expect.stringMatching(
      new RegExp(`^cache privacy-probe .*/probe: image/jpeg of ${photo.bytes.length} bytes$`),
    ),
    expect.stringMatching(/^cache privacy-probe .*\/probe: the photo's bytes$/),
    'localStorage probe.1: photo text',
  ]);
});

test('a photo shared from another app is searched, then gone from the share cache', async ({
  page,
  requestWatch,
}) => {
  await openControlled(page);
  const catalog = await servedCatalog(page.request, page.url());
  const id = catalog.ids[29];
  const photo = await privatePhoto(id);
  const results = await shareLikeAndroid(page, photo.bytes);
  expect(results[0].id).toBe(id);

  const scan = await scanStorage(page, photo.needles);
  expect(scan.found).toEqual([]);
  expect(scan.caches.some((name) => name.includes('precache'))).toBe(true);
  // The share POST was answered by the service worker (the fixture checks that); nothing else
  // carried the photo.
  expectNotSent(requestWatch, photo.bytes, photo.marker, 'share-target');
});

test('every spec that opens the app runs under the request guard', () => {
  // Specs whose pages are not the app, and why.
  const exempt: Record<string, string> = {
    'model-parity.spec.ts': 'a test harness page served by the spec itself, not the app',
  };
  const specs = readdirSync(import.meta.dirname).filter((name) => name.endsWith('.spec.ts'));
  const unguarded = specs.filter((name) => {
    const source = readFileSync(`${import.meta.dirname}/${name}`, 'utf8');
    if (name in exempt || !/\.goto\(/.test(source)) return false;
    // The guard comes with `test` from the fixtures (auto), or is set up on a context by hand.
    const guardedTest = /import \{[^}]*\btest\b[^}]*\} from '\.\/fixtures\.ts'/.test(source);
    const ownTest = /import \{[^}]*\btest\b[^}]*\} from '@playwright\/test'/.test(source);
    return ownTest || !guardedTest;
  });
  expect(specs.length).toBeGreaterThan(20);
  expect(unguarded).toEqual([]);
});
