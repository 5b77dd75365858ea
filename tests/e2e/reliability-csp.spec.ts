/**
 * The strict Content-Security-Policy: served as a header and a <meta>, free of 'unsafe-inline' and
 * 'unsafe-eval', and a whole visit (download, service worker, search, crop, filters, detail, "more
 * like this", revisit) runs without one violation in the page, its workers or the service worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page, Route } from '@playwright/test';
import { createServer } from 'vite';
import { contentSecurityPolicy } from '../../scripts/vite/content-security-policy.ts';
import { pictureDrawn } from './catalog-pictures.ts';
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

const root = resolve(import.meta.dirname, '../..');

interface Violation {
  where: string;
  directive: string;
  blocked: string;
  sample: string;
}

/** Where a worker's listener reports a violation; answered by the test, never by the server. */
const reportPath = '/__csp-violation';

/** Prepended to worker scripts (init scripts do not reach workers): reports each violation. */
const workerListener = `self.addEventListener('securitypolicyviolation', (e) => {
  const q = new URLSearchParams({ where: self.name || 'service worker', directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
  fetch('${reportPath}?' + q).catch(() => {});
});
self.__cspWatched = true;\n`;

/** Collects violations from the page (an init script), its workers and the service worker. */
async function watchViolations(context: BrowserContext, page: Page) {
  const violations: Violation[] = [];
  const consoleMessages: string[] = [];
  await context.route(`**${reportPath}?*`, async (route) => {
    const q = new URL(route.request().url()).searchParams;
    violations.push({
      where: q.get('where') ?? '',
      directive: q.get('directive') ?? '',
      blocked: q.get('blocked') ?? '',
      sample: q.get('sample') ?? '',
    });
    await route.fulfill({ status: 204 });
  });
  const patch = async (route: Route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: workerListener + (await response.text()) });
  };
  // The built worker (assets/search.worker-<hash>.js) or the dev server's (search.worker.ts?...).
  await context.route(/\/search\.worker[-.][^/]*$/, patch);
  await context.route('**/sw.js', patch);
  await page.addInitScript(() => {
    const seen: unknown[] = [];
    (window as unknown as { __csp: unknown[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push({
        where: 'page',
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        sample: e.sample,
      }),
    );
  });
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) consoleMessages.push(message.text());
  });
  return {
    consoleMessages,
    async all(): Promise<Violation[]> {
      const inPage = await page.evaluate(() => (window as unknown as { __csp: Violation[] }).__csp);
      return [...inPage, ...violations];
    },
  };
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

test('the policy is strict, and served as a header and in the built page', async ({ page }) => {
  const policy = contentSecurityPolicy();
  expect(policy).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|data:/);
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).toContain("style-src 'self';");

  const html = await page.request.get('./');
  expect(html.headers()['content-security-policy']).toBe(contentSecurityPolicy({ header: true }));
  expect(await html.text()).toContain(
    `<meta http-equiv="Content-Security-Policy" content="${policy}" />`,
  );
  // The <meta> precedes every script and stylesheet, so it governs them all.
  const text = await html.text();
  expect(text.indexOf('Content-Security-Policy')).toBeLessThan(text.indexOf('<script'));
  expect(text.indexOf('Content-Security-Policy')).toBeLessThan(text.indexOf('<link rel="style'));
  // Workers and the service worker get the header too (a page's <meta> does not reach them).
  for (const path of ['sw.js', 'catalog/manifest.json']) {
    const response = await page.request.get(path);
    expect(response.headers()['content-security-policy'], path).toBe(
      contentSecurityPolicy({ header: true }),
    );
  }
  // No inline <script> or <style> and no style attribute in the shipped page.
  expect(text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/);
});

test('a full visit causes no CSP violation in the page, its workers or the service worker', async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  const watch = await watchViolations(context, page);
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));

  // First visit: the service worker installs and precaches, the catalog downloads and indexes.
  await page.goto('./');
  await waitReady(page);
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      timeout: 60_000,
    })
    .toBe(true);
  const catalog = await servedCatalog(page.request, page.url());

  // Search, crop, filter, Top-K, detail and "more like this".
  const id = catalog.ids[17];
  let results = await afterSearch(page, () => upload(page, catalogPhoto(id).path));
  expect(results[0].id).toBe(id);
  await expect
    .poll(() => pictureDrawn(page.getByTestId('result').first().getByTestId('thumb')))
    .toBe(true);
  const box = page.getByTestId('crop-box');
  await afterSearch(page, async () => {
    await box.focus();
    for (let i = 0; i < 6; i++) await box.press('Shift+ArrowLeft');
  });
  await afterSearch(page, () => page.getByRole('button', { name: 'Whole photo' }).click());
  await afterSearch(page, () => page.locator('[data-testid=chip]').first().click());
  await afterSearch(page, async () => {
    await page.getByTestId('top-k').fill('8');
    await page.getByTestId('top-k').press('Enter');
  });
  await page.getByTestId('result').first().click();
  await expect(page.getByTestId('detail')).toBeVisible();
  results = await afterSearch(page, () => page.getByTestId('more-like-this').click());
  expect(results.length).toBeGreaterThan(0);

  // Revisit (without the last search's link), now under the service worker, from IndexedDB.
  await page.goto('./');
  await waitReady(page);
  results = await afterSearch(page, () => upload(page, catalogPhoto(catalog.ids[18]).path));
  expect(results[0].id).toBe(catalog.ids[18]);

  expect(
    workers.some((url) => /search\.worker-/.test(url)),
    workers.join(', '),
  ).toBe(true);
  // The listeners really run in the search worker and the service worker.
  const watched = () => '__cspWatched' in self;
  const searchWorker = page.workers().find((w) => /search\.worker-/.test(w.url()))!;
  expect(await searchWorker.evaluate(watched)).toBe(true);
  const [serviceWorker] = context.serviceWorkers();
  expect(await serviceWorker.evaluate(watched)).toBe(true);
  expect(await watch.all()).toEqual([]);
  expect(watch.consoleMessages).toEqual([]);

  // The listeners work and the policy is enforced: inline script and style are refused (once
  // per policy: the header's and the <meta>'s).
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.head.append(script);
    const style = document.createElement('style');
    style.textContent = 'body { outline: 5px solid red }';
    document.head.append(style);
  });
  await expect
    .poll(async () => [...new Set((await watch.all()).map((v) => v.directive))].sort())
    .toEqual(['script-src-elem', 'style-src-elem']);
  expect(await page.evaluate(() => '__inlineRan' in window)).toBe(false);
  expect(await page.evaluate(() => getComputedStyle(document.body).outlineStyle)).not.toBe('solid');

  // Same in the search worker, under the header's policy: a script from a data: URL is refused
  // and reported. (DevTools evaluation bypasses the eval check, so import is the probe.)
  const imported = await searchWorker.evaluate(
    (url) =>
      import(url).then(
        () => 'ran',
        (error: Error) => error.name,
      ),
    'data:text/javascript,export default 42',
  );
  expect(imported).toBe('TypeError');
  await expect
    .poll(async () => (await watch.all()).filter((v) => v.where === 'lookalike-search'))
    .toEqual([expect.objectContaining({ directive: expect.stringMatching(/^script-src/) })]);
});

test('the dev server holds the same policy: its hot-reloaded styles carry a nonce', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  // Own dependency cache, so this server never rewrites one another dev server is using.
  const cacheDir = mkdtempSync(join(tmpdir(), 'lookalike-vite-dev-'));
  const port = await freePort();
  const server = await createServer({
    configFile: resolve(root, 'vite.config.ts'),
    root,
    cacheDir,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port, strictPort: true },
  });
  const context = await browser.newContext();
  try {
    await server.listen();
    const origin = `http://127.0.0.1:${port}`;
    const requests = watchRequests(context, origin);
    const page = await context.newPage();
    const watch = await watchViolations(context, page);
    const response = await page.goto(`${origin}/`);
    const policy = response!.headers()['content-security-policy'];
    expect(policy).toMatch(
      /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'nonce-[A-Za-z0-9+/=]+'; /,
    );
    expect(policy).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);

    await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 180_000 });
    const catalog = await servedCatalog(page.request, page.url());
    const id = catalog.ids[19];
    const results = await afterSearch(page, () => upload(page, catalogPhoto(id).path));
    expect(results[0].id).toBe(id);
    // The components' CSS is in (nonce'd) <style> elements and applies.
    expect(await page.locator('style[nonce]').count()).toBeGreaterThan(0);
    expect(await page.locator('style:not([nonce])').count()).toBe(0);
    expect(page.workers().some((w) => w.url().includes('search.worker.ts'))).toBe(true);
    expect(await watch.all()).toEqual([]);
    expect(watch.consoleMessages).toEqual([]);
    await requests.verify();
  } finally {
    await context.close();
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
