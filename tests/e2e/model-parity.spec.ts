/**
 * The default model in a real browser: the same photos embedded in Node (onnxruntime-node) and
 * in a Chromium Web Worker (onnxruntime-web) must agree; EXIF orientation and huge images are
 * handled there too; and two WASM threads give the same vectors as one. (Ms per image at 1 and
 * 2 threads is the embed bench's: `npm run bench -- --suite embed`.) Independent of the app: it
 * bundles its own worker harness and serves it itself.
 */
import { expect, test, type Page } from '@playwright/test';
import type { Remote } from 'comlink';
import { build } from 'esbuild';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ISOLATION_HEADERS } from '../../src/shared/isolation-headers.ts';
import { decodeImageNode } from '../../scripts/lib/decode-node.ts';
import { DEFAULT_MODEL_ID } from '../../src/shared/model/default-models.ts';
import { createOnnxEmbedder } from '../../src/shared/model/onnx-embedder.ts';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';
import { fixturesDir, makeExifFixtures } from '../fixtures/make-exif-fixtures.ts';
import { chromiumFlags, chromiumPath } from './chromium.ts';
import type { Backend, DecodeOutcome, ParityApi } from './model-parity.worker.ts';

const root = resolve(import.meta.dirname, '../..');
const datasetImages = resolve(root, '../shared/datasets/clothing/images');
const photos = [
  'ea7b6656-3f84-4eb3-9099-23e623fc1018.jpg',
  '00627a3f-0477-401c-95eb-92642cbe078d.jpg',
  '4285fab0-751a-4b74-8e9b-43af05deee22.jpg',
  'ea2ffd4d-9b25-4ca8-9dc2-bd27f1cc59fa.jpg',
];

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
};

/** Static files from a few folders, cross-origin isolated (COOP/COEP) so WASM threads work. */
function serve(routes: [prefix: string, dir: string][]): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const route = routes.find(([prefix]) => path.startsWith(prefix));
    const file = route && resolve(route[1], '.' + path.slice(route[0].length - 1));
    if (
      !route ||
      !file?.startsWith(resolve(route[1]) + sep) ||
      !existsSync(file) ||
      !statSync(file).isFile()
    ) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
      ...ISOLATION_HEADERS,
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot; // both are unit vectors
};

type Harness = Remote<ParityApi>;
const harness = (page: Page) =>
  ({
    init: (backend: Backend) =>
      page.evaluate((b) => (window as unknown as { harness: Harness }).harness.init(b), backend),
    hasGpuAdapter: () =>
      page.evaluate(() => (window as unknown as { harness: Harness }).harness.hasGpuAdapter()),
    embedUrl: (url: string) =>
      page.evaluate((u) => (window as unknown as { harness: Harness }).harness.embedUrl(u), url),
    comparePixelPaths: (url: string) =>
      page.evaluate(
        (u) => (window as unknown as { harness: Harness }).harness.comparePixelPaths(u),
        url,
      ),
    decodeUrl: (url: string) =>
      page.evaluate<DecodeOutcome, string>(
        (u) => (window as unknown as { harness: Harness }).harness.decodeUrl(u),
        url,
      ),
  }) satisfies Record<keyof ParityApi, unknown>;

let server: Server;
let origin: string;
let dir: string;
/** Node's embedding of each served photo URL. */
const nodeVectors = new Map<string, Float32Array>();

test.describe.configure({ mode: 'serial' });
// WebGPU on whatever adapter this browser has: here, without a GPU, SwiftShader's software one.
test.use({
  launchOptions: {
    executablePath: chromiumPath,
    args: [...chromiumFlags, '--enable-unsafe-webgpu'],
  },
});

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dir = mkdtempSync(join(tmpdir(), 'lookalike-model-parity-'));
  // The app's default model as `npm run models` built it (the e2e server's start builds it too).
  const modelDir = resolve(root, 'models', DEFAULT_MODEL_ID);
  const spec = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as ModelSpec;
  const onnx = readFileSync(join(modelDir, spec.file));
  mkdirSync(join(dir, 'model'));
  writeFileSync(join(dir, 'model', spec.file), onnx);
  writeFileSync(join(dir, 'model', 'model.json'), JSON.stringify(spec));
  writeFileSync(join(dir, 'garbage.jpg'), 'this is not a JPEG');
  writeFileSync(join(dir, 'empty.png'), '');
  const fixtures = await makeExifFixtures();

  await build({
    entryPoints: [join(import.meta.dirname, 'model-parity.worker.ts')],
    outfile: join(dir, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // ORT's build that loads its WASM glue from wasmPaths (served from node_modules, no CDN).
    conditions: ['onnxruntime-web-use-extern-wasm'],
    logLevel: 'warning',
  });
  await build({
    stdin: {
      contents:
        "import { wrap } from 'comlink';\n" +
        "window.harness = wrap(new Worker('./worker.js', { type: 'module' }));\n",
      resolveDir: root,
      loader: 'js',
    },
    outfile: join(dir, 'page.js'),
    bundle: true,
    format: 'esm',
    logLevel: 'warning',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>model parity</title><script type="module" src="page.js"></script>',
  );
  server = await serve([
    ['/ort/', resolve(root, 'node_modules/onnxruntime-web/dist')],
    ['/photos/', datasetImages],
    ['/fixtures/', fixturesDir],
    ['/', dir],
  ]);
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The Node side: the same decode -> preprocess -> embed pipeline on onnxruntime-node.
  const embedder = await createOnnxEmbedder(ort, onnx, spec, { threads: 1 });
  const preprocessor = new ImagePreprocessor(spec.input);
  const tensor = createTensorBuffer(spec.input, 1);
  const files: [string, string][] = [
    ...photos.map((p): [string, string] => [`/photos/${p}`, join(datasetImages, p)]),
    ['/fixtures/upright.jpg', fixtures.upright],
    ['/fixtures/orientation-6.jpg', fixtures.oriented.get(6)!],
    // Node decodes it to 2048 px, the browser scaled as it decodes (1/8): alike all the same.
    ['/fixtures/large-orientation-6.jpg', fixtures.largeRotated],
  ];
  for (const [url, path] of files) {
    preprocessor.toTensor(await decodeImageNode(path), tensor, 0);
    nodeVectors.set(url, (await embedder.embed(tensor, 1)).slice());
  }
  await embedder.dispose();
});

test.afterAll(async () => {
  await new Promise((done) => server?.close(done));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openHarness(page: Page, backend: number | 'webgpu') {
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => 'harness' in window);
  const h = harness(page);
  const info = await h.init(
    backend === 'webgpu' ? { kind: 'webgpu' } : { kind: 'wasm', threads: backend },
  );
  return { h, info };
}

test('Node and the browser worker embed the same photos alike (cosine >= 0.999)', async ({
  page,
}) => {
  const { h } = await openHarness(page, 1);
  for (const [url, expected] of nodeVectors) {
    const { vector } = await h.embedUrl(url);
    expect(vector.length).toBe(expected.length);
    const c = cosine(vector, expected);
    console.log(`node vs browser ${url}: cosine ${c.toFixed(6)}`);
    expect(c, url).toBeGreaterThanOrEqual(0.999);
  }
});

test('the browser honours EXIF orientation: all 8 embed like the upright photo', async ({
  page,
}) => {
  const { h } = await openHarness(page, 1);
  const upright = await h.embedUrl('/fixtures/upright.jpg');
  const cosines: number[] = [];
  for (let o = 1; o <= 8; o++) {
    const { vector, width, height } = await h.embedUrl(`/fixtures/orientation-${o}.jpg`);
    expect([width, height], `orientation ${o}`).toEqual([upright.width, upright.height]);
    cosines.push(cosine(vector, upright.vector));
    expect(cosines[o - 1], `orientation ${o}`).toBeGreaterThanOrEqual(0.99);
  }
  console.log(
    `browser, EXIF orientations 1-8 vs upright: cosine ${cosines.map((c) => c.toFixed(4)).join(' ')}`,
  );
  const nodeUpright = nodeVectors.get('/fixtures/upright.jpg')!;
  const sideways = await h.embedUrl('/fixtures/orientation-6.jpg');
  expect(cosine(sideways.vector, nodeUpright)).toBeGreaterThanOrEqual(0.99);
});

test('a JPEG is read through a VideoFrame and an ImageDecoder, upright, exactly as a canvas reads it', async ({
  page,
}) => {
  const { h } = await openHarness(page, 1);
  const same = {
    framePath: true,
    sameLength: true,
    differing: 0,
    decoderDiffering: 0,
    // The picture the page is sent shows exactly these pixels, upright.
    pictureDiffering: 0,
  };
  for (const name of ['upright', ...[1, 2, 3, 4, 5, 6, 7, 8].map((o) => `orientation-${o}`)]) {
    expect(await h.comparePixelPaths(`/fixtures/${name}.jpg`), name).toEqual(same);
  }
  const [photo] = [...nodeVectors.keys()];
  expect(await h.comparePixelPaths(photo)).toEqual(same);
});

test('huge images are decoded downscaled; undecodable ones throw ImageDecodeError', async ({
  page,
}) => {
  const { h } = await openHarness(page, 1);
  // A JPEG is scaled as it decodes (8000 × 6000 stored, 1/8 keeps a 750 px shorter side).
  const large = await h.embedUrl('/fixtures/large-orientation-6.jpg');
  expect(large).toMatchObject({ width: 750, height: 1000, sourceWidth: 6000, sourceHeight: 8000 });
  expect(await h.decodeUrl('/fixtures/large-orientation-6.jpg')).toMatchObject({
    ok: true,
    width: 750,
    pictureDiffers: 0,
  });
  const upright = nodeVectors.get('/fixtures/upright.jpg')!;
  expect(cosine(large.vector, upright)).toBeGreaterThanOrEqual(0.99);
  expect(await h.decodeUrl('/fixtures/huge-12000.png')).toMatchObject({
    ok: true,
    width: 2048,
    height: 2048,
    sourceWidth: 12000,
    bytes: 2048 * 2048 * 4,
    pictureDiffers: 0,
  });
  expect(await h.decodeUrl('/garbage.jpg')).toMatchObject({
    ok: false,
    name: 'ImageDecodeError',
    reason: 'undecodable',
  });
  expect(await h.decodeUrl('/empty.png')).toMatchObject({ ok: false, reason: 'empty' });
});

test('two WASM threads (cross-origin isolated) embed the photos as Node does', async ({ page }) => {
  const { h, info } = await openHarness(page, 2);
  expect(info).toEqual({ crossOriginIsolated: true, numThreads: 2, adapter: null });
  for (const photo of photos) {
    const url = `/photos/${photo}`;
    const { vector } = await h.embedUrl(url);
    expect(cosine(vector, nodeVectors.get(url)!), url).toBeGreaterThanOrEqual(0.999);
  }
});

test("on WebGPU (this browser's adapter) the photos embed as Node does", async ({ page }) => {
  // A software adapter runs a photo in seconds: the first run compiles every shader.
  test.setTimeout(300_000);
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => 'harness' in window);
  test.skip(!(await harness(page).hasGpuAdapter()), 'this browser has no WebGPU adapter');
  const { h, info } = await openHarness(page, 'webgpu');
  for (const photo of photos) {
    const url = `/photos/${photo}`;
    const { vector } = await h.embedUrl(url);
    const c = cosine(vector, nodeVectors.get(url)!);
    console.log(`node vs WebGPU (${info.adapter}) ${url}: cosine ${c.toFixed(6)}`);
    expect(c, url).toBeGreaterThanOrEqual(0.999);
  }
});
