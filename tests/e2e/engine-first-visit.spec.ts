import { instanceFirstOrder } from '../../src/shared/search/label-rerank.ts';
import { expect, test } from './fixtures.ts';
import {
  expectReady,
  logRequests,
  manifestHashes,
  photos,
  recordStatus,
  searchWithPhoto,
  servedCatalog,
  storedState,
} from './engine-support.ts';
import { SELF_MATCH_MIN } from './self-match.ts';

test('first visit downloads every catalog file once with progress, verifies and stores it', async ({
  page,
  context,
}) => {
  const requests = logRequests(context);
  const withServiceWorker: string[] = [];
  context.on('request', (request) => withServiceWorker.push(new URL(request.url()).pathname));
  const statuses = await recordStatus(page);
  await page.goto('./');
  await expectReady(page);
  const { manifest, items, files } = await servedCatalog(page);

  // Once the service worker has precached the shell: the runtime crossed the network once,
  // compressed, and nothing loaded transformers.js, which only a CLIP-family model runs.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const runtime = withServiceWorker.filter((path) => /\/ort-wasm[^/]*\.wasm/.test(path));
  expect(runtime).toHaveLength(1);
  expect(runtime[0]).toMatch(/\.wasm\.gz$/);
  expect(withServiceWorker.filter((path) => path.includes('/transformers'))).toEqual([]);

  // Progress was visible: bytes and percent while downloading.
  const seen = await statuses();
  expect(
    seen.some((text) => /^downloading .+ of .+ \(\d+%\)$/.test(text)),
    seen.join(' | '),
  ).toBe(true);
  expect(seen.at(-1)).toBe('ready');

  for (const file of files)
    expect(
      requests.filter((path) => path.endsWith(file)),
      file,
    ).toHaveLength(1);
  // On this plain host, the files "ready" waits for crossed the network as their gzip copies
  // (the build writes them; scripts/lib/gzip-copy.ts), never as themselves.
  const [model] = manifest.models;
  const packed = [model.spec, manifest.items, ...model.shards];
  for (const ref of packed) expect(ref.gzipBytes, ref.file).toBeGreaterThan(0);
  const packedPaths = [
    `/models/${model.spec.id}/${model.spec.file}`,
    ...[manifest.items, ...model.shards].map((ref) => `/catalog/${ref.file}`),
  ];
  for (const path of packedPaths) {
    expect(withServiceWorker, path).toContain(`${path}.gz`);
    expect(withServiceWorker, path).not.toContain(path);
  }

  // Everything verified went to IndexedDB, and the stored catalog is the served version.
  const stored = await storedState(page);
  expect(stored.current).toBe(manifest.version);
  expect(stored.files.sort()).toEqual(manifestHashes(manifest));

  // A catalog photo finds itself first, results best first.
  const id = items.ids[Math.floor(items.ids.length / 2)];
  const results = await searchWithPhoto(page, `${photos}/${id}.jpg`);
  expect(results[0].id).toBe(id);
  expect(results[0].score).toBeGreaterThanOrEqual(SELF_MATCH_MIN);
  const scores = results.map((r) => r.score);
  expect(instanceFirstOrder(scores)).toBe(true);
});
