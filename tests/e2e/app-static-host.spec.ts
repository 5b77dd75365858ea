/**
 * The built app on a plain static host: under a sub-path, without COOP/COEP (so the first visit is
 * single-threaded; once its service worker serves the app, it adds them), and a new version that
 * waits for the shopper's consent before taking over.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import {
  afterSearch,
  catalogPhoto,
  expect,
  servedCatalog,
  test,
  upload,
  waitReady,
  watchRequests,
} from './fixtures.ts';

const dist = resolve(import.meta.dirname, '../../dist');
const subPath = '/shop/demo/lookalike/';
const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A static host with no special headers; `swSuffix` changes the service worker's bytes. */
function staticHost(): { server: Server; setSwSuffix: (suffix: string) => void } {
  let swSuffix = '';
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (!path.startsWith(subPath)) {
      res.writeHead(404).end();
      return;
    }
    let file = resolve(dist, '.' + path.slice(subPath.length - 1));
    if (file === dist || path.endsWith('/')) file = resolve(dist, 'index.html');
    if (!file.startsWith(dist + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Cache-Control', 'no-cache');
    if (file.endsWith(`${sep}sw.js`)) {
      res.end(readFileSync(file, 'utf8') + swSuffix);
      return;
    }
    createReadStream(file).pipe(res);
  });
  return { server, setSwSuffix: (suffix) => (swSuffix = suffix) };
}

test('runs from a sub-path of a plain static host, threaded once its service worker serves it, and updates only on consent', async ({
  browser,
  request,
  baseURL,
}) => {
  const { server, setSwSuffix } = staticHost();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context = await browser.newContext();
  const watch = watchRequests(context, origin);
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(origin + subPath);
    await waitReady(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);

    const catalog = await servedCatalog(request, baseURL!);
    const id = catalog.ids[2];
    const results = await afterSearch(page, () => upload(page, catalogPhoto(id).path));
    expect(results[0].id).toBe(id);
    await expect(page.getByTestId('latency')).toContainText('1 thread');
    expect(errors).toEqual([]);

    // The service worker's scope is the sub-path.
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(origin + subPath);

    // A new version is found: it waits, the page keeps working, a banner asks.
    setSwSuffix('\n// next version\n');
    await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
    const banner = page.getByTestId('update-banner');
    await expect(banner).toBeVisible({ timeout: 30_000 });
    expect(
      await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting),
    ).toBe(true);
    await expect(page.getByTestId('status')).toHaveText('ready');

    // Consent: the new version takes over and the page reloads into it.
    await Promise.all([
      page.waitForEvent('framenavigated'),
      banner.getByRole('button', { name: 'Update' }).click(),
    ]);
    await waitReady(page);
    expect(
      await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        return { waiting: !!registration?.waiting, active: !!registration?.active };
      }),
    ).toEqual({ waiting: false, active: true });
    await expect(page.getByTestId('update-banner')).toHaveCount(0);

    // Served by the service worker, which adds COOP/COEP: isolated, ONNX Runtime on threads.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const threads = await page.evaluate(() => Math.min(4, navigator.hardwareConcurrency));
    const again = await afterSearch(page, () => upload(page, catalogPhoto(id).path));
    expect(again[0].id).toBe(id);
    await expect(page.getByTestId('latency')).toContainText(
      `${threads} ${threads === 1 ? 'thread' : 'threads'}`,
    );
    expect(errors).toEqual([]);
    await watch.verify();
  } finally {
    await context.close();
    server.close();
  }
});

test('the Install button appears when the browser offers installation', async ({ page }) => {
  await page.goto('./');
  await waitReady(page);
  await expect(page.getByTestId('install')).toHaveCount(0);
  // Chromium fires beforeinstallprompt only once its own install criteria and heuristics pass;
  // the event is replayed here with a prompt() that records being called.
  await page.evaluate(() => {
    const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: async () => void ((window as unknown as { prompted: boolean }).prompted = true),
      userChoice: Promise.resolve({ outcome: 'accepted' }),
    });
    window.dispatchEvent(event);
  });
  const install = page.getByTestId('install');
  await expect(install).toBeVisible();
  await install.click();
  expect(await page.evaluate(() => (window as unknown as { prompted?: boolean }).prompted)).toBe(
    true,
  );
  await expect(install).toHaveCount(0);

  // The manifest makes the app installable: name, icons (incl. maskable), standalone, scope.
  const manifest = await (await page.request.get('manifest.webmanifest')).json();
  expect(manifest).toMatchObject({
    short_name: 'Lookalike',
    display: 'standalone',
    start_url: './',
  });
  expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(
    expect.arrayContaining(['192x192', '512x512']),
  );
  expect(manifest.icons.some((i: { purpose?: string }) => i.purpose === 'maskable')).toBe(true);
});
