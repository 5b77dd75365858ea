/**
 * The shopper's photo stays on the device and is not kept: after searching with it (uploaded, or
 * shared from another app through the service worker), no request carries it and no IndexedDB
 * database, Cache Storage cache, OPFS file or web storage entry holds its bytes, its base64, or
 * a Blob or buffer of its size, its decoded size or the model input's size.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
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

interface PhotoNeedles {
  /** Byte strings to look for in every stored Blob and buffer. */
  bytes: number[][];
  /** Substrings to look for in every stored string (the base64 a data: URL would hold). */
  text: string[];
  /** Sizes no stored Blob or buffer may have: the file, its RGBA pixels, the model input. */
  sizes: number[];
}

interface StorageScan {
  found: string[];
  databases: string[];
  records: number;
  caches: string[];
  responses: number;
  opfsFiles: number;
  webStorageKeys: number;
  bytesScanned: number;
}

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

/** Reads everything the origin stores, in the page, and reports where any needle turns up. */
function scanStorage(page: Page, needles: PhotoNeedles): Promise<StorageScan> {
  return page.evaluate(async (needles) => {
    const scan: StorageScan = {
      found: [],
      databases: [],
      records: 0,
      caches: [],
      responses: 0,
      opfsFiles: 0,
      webStorageKeys: 0,
      bytesScanned: 0,
    };
    const hasBytes = (data: Uint8Array, needle: number[]) => {
      for (let i = data.indexOf(needle[0]); i >= 0; i = data.indexOf(needle[0], i + 1)) {
        let j = 1;
        while (j < needle.length && data[i + j] === needle[j]) j++;
        if (j === needle.length) return true;
      }
      return false;
    };
    const checkBytes = (where: string, data: Uint8Array, type = '') => {
      scan.bytesScanned += data.byteLength;
      if (needles.sizes.includes(data.byteLength)) {
        scan.found.push(`${where}: ${type || 'bytes'} of ${data.byteLength} bytes`);
      }
      if (needles.bytes.some((needle) => hasBytes(data, needle))) {
        scan.found.push(`${where}: the photo's bytes`);
      }
    };
    const visit = async (where: string, value: unknown, depth = 0): Promise<void> => {
      if (depth > 8 || value === null || value === undefined) return;
      if (typeof value === 'string') {
        if (needles.text.some((t) => value.includes(t))) scan.found.push(`${where}: photo text`);
      } else if (value instanceof Blob) {
        checkBytes(where, new Uint8Array(await value.arrayBuffer()), value.type || 'Blob');
      } else if (value instanceof ArrayBuffer) {
        checkBytes(where, new Uint8Array(value));
      } else if (ArrayBuffer.isView(value)) {
        checkBytes(where, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      } else if (value instanceof Map) {
        for (const [k, v] of value) await visit(`${where}[${String(k)}]`, v, depth + 1);
      } else if (typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) await visit(`${where}.${k}`, v, depth + 1);
      }
    };

    // Every IndexedDB database, every store, every record (keys too).
    for (const info of await indexedDB.databases()) {
      const name = info.name!;
      scan.databases.push(name);
      const db = await new Promise<IDBDatabase>((done, fail) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => done(open.result);
        open.onerror = () => fail(open.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const [keys, values] = await new Promise<[IDBValidKey[], unknown[]]>((done, fail) => {
          const tx = db.transaction(store);
          const keys = tx.objectStore(store).getAllKeys();
          const values = tx.objectStore(store).getAll();
          tx.oncomplete = () => done([keys.result, values.result]);
          tx.onerror = () => fail(tx.error);
        });
        for (let i = 0; i < values.length; i++) {
          scan.records++;
          await visit(`indexedDB ${name}/${store}/${String(keys[i])}`, [keys[i], values[i]]);
        }
      }
      db.close();
    }
    // Every Cache Storage cache, every response body.
    for (const name of await caches.keys()) {
      scan.caches.push(name);
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        scan.responses++;
        await visit(`cache ${name} ${request.url}`, request.url);
        if (response) await visit(`cache ${name} ${request.url}`, await response.blob());
      }
    }
    // The origin private file system.
    const walk = async (dir: FileSystemDirectoryHandle, path: string): Promise<void> => {
      for await (const handle of (
        dir as unknown as { values(): AsyncIterable<FileSystemHandle> }
      ).values()) {
        const where = `opfs ${path}/${handle.name}`;
        if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, where);
        else {
          scan.opfsFiles++;
          await visit(where, await (handle as FileSystemFileHandle).getFile());
        }
      }
    };
    await walk(await navigator.storage.getDirectory(), '');
    // localStorage and sessionStorage.
    for (const [label, storage] of [
      ['localStorage', localStorage],
      ['sessionStorage', sessionStorage],
    ] as const) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i)!;
        scan.webStorageKeys++;
        await visit(`${label} ${key}`, [key, storage.getItem(key)]);
      }
    }
    return scan;
  }, needles);
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
