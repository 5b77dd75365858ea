/** Opens the built app in Debian's headless Chromium with the bench probe injected, and drives it. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { chromiumFlags, chromiumPath } from '../../../tests/e2e/chromium.ts';
import { photosDir } from '../paths.ts';
import type { BenchProbe, QuerySample } from './probe-protocol.ts';

let probeScript: Promise<string> | undefined;

/** probe.ts as one self-contained script (an init script cannot import). */
function probeSource(): Promise<string> {
  probeScript ??= build({
    entryPoints: [resolve(import.meta.dirname, 'probe.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0].text);
  return probeScript;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    // expose-gc lets a page collect garbage; precise memory info un-buckets performance.memory.
    args: [...chromiumFlags, '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  });
}

/** A fresh context (empty profile: no cache, storage or service worker) with the probe. */
export async function newAppContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  await context.addInitScript({ content: await probeSource() });
  return context;
}

const probeOf = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __bench: BenchProbe }).__bench.readyAt);

/** Waits for the status line to read "ready"; returns ms from navigation start (the page's clock). */
export async function readyMs(page: Page, timeoutMs = 120_000): Promise<number> {
  const errors: string[] = [];
  const onError = (error: Error) => errors.push(error.message);
  page.on('pageerror', onError);
  try {
    await page.waitForFunction(
      () => (globalThis as unknown as { __bench?: BenchProbe }).__bench?.readyAt != null,
      null,
      { timeout: timeoutMs, polling: 50 },
    );
  } catch (error) {
    const statuses = await page
      .evaluate(() => (globalThis as unknown as { __bench: BenchProbe }).__bench.statuses)
      .catch(() => []);
    throw new Error(
      `the app did not reach ready (status: ${statuses.join(' → ') || 'none'}; ` +
        `errors: ${errors.join('; ') || 'none'}): ${String(error)}`,
      { cause: error },
    );
  } finally {
    page.off('pageerror', onError);
  }
  return (await probeOf(page))!;
}

/** Hands `names` (photo files in `dir`: by default the shared set) to the page's probe. */
export async function loadPhotos(page: Page, names: string[], dir = photosDir): Promise<void> {
  const photos = names.map((name) => ({
    name,
    base64: readFileSync(resolve(dir, name)).toString('base64'),
  }));
  await page.evaluate(
    (list) => (globalThis as unknown as { __bench: BenchProbe }).__bench.setPhotos(list),
    photos,
  );
}

/** One photo search through the app's file input, timed in the page. */
export function queryPhoto(page: Page, i: number): Promise<QuerySample> {
  return page.evaluate(
    (at) => (globalThis as unknown as { __bench: BenchProbe }).__bench.query(at),
    i,
  );
}

/** `count` searches in the page itself (one evaluate, no round trip per query). */
export function queryPhotos(
  page: Page,
  from: number,
  count: number,
  pauseMs = 0,
): Promise<QuerySample[]> {
  return page.evaluate(
    async ([start, n, pause]) => {
      const probe = (globalThis as unknown as { __bench: BenchProbe }).__bench;
      const samples = [];
      for (let i = start; i < start + n; i++) samples.push(await probe.query(i, pause));
      return samples;
    },
    [from, count, pauseMs] as const,
  );
}
