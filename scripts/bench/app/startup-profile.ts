/**
 * Where a start's time goes: a cold visit and warm reloads of the built app on the plain static
 * host, each listed as the worker's "lookalike:" User Timing measures and the page's large
 * resource loads, on the page's clock (ms from navigation start), plus the renderer's RSS.
 * Run: `nice -n 10 npx tsx scripts/bench/app/startup-profile.ts [warm reloads, default 3]
 * [trace.json]` (the last reload then also writes a Chromium trace of every process; with
 * `TRACE_COLD=1` the cold visit does instead); with `ISOLATED=0` the host sends no COOP/COEP.
 */
import type { Page } from '@playwright/test';
import { launchBrowser, newAppContext, readyMs } from './app-page.ts';
import { buildApp } from './app-server.ts';
import { rendererMemory } from './cdp-memory.ts';
import { startMeteredHost } from './metered-host.ts';

const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.wasm',
  'disabled-by-default-v8.wasm.detailed',
  'blink.user_timing',
  'ServiceWorker',
];

interface Span {
  name: string;
  start: number;
  duration: number;
}

/** The search worker's measures, moved onto the page's clock. */
async function workerSpans(page: Page): Promise<Span[]> {
  const worker = page.workers().find((w) => w.url().includes('search.worker'));
  if (!worker) return [];
  const pageOrigin = await page.evaluate(() => performance.timeOrigin);
  const { origin, spans } = await worker.evaluate(() => ({
    origin: performance.timeOrigin,
    spans: performance
      .getEntriesByType('measure')
      .filter((e) => e.name.startsWith('lookalike:'))
      .map((e) => ({ name: e.name.slice(10), start: e.startTime, duration: e.duration })),
  }));
  const shift = origin - pageOrigin;
  return [
    { name: 'worker created', start: shift, duration: 0 },
    ...spans.map((s) => ({ ...s, start: s.start + shift })),
  ];
}

/** The page's resource loads over 20 kB or 50 ms (shell, bundle, worker script). */
function pageSpans(page: Page): Promise<Span[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e as PerformanceResourceTiming)
      .filter((e) => e.encodedBodySize > 20_000 || e.duration > 50)
      .map((e) => ({
        name: `page load ${new URL(e.name).pathname}`,
        start: e.startTime,
        duration: e.duration,
      })),
  );
}

async function report(label: string, page: Page, ready: number, rss: number | null) {
  const spans = [...(await pageSpans(page)), ...(await workerSpans(page))].sort(
    (a, b) => a.start - b.start,
  );
  console.log(
    `\n${label}: ready at ${Math.round(ready)} ms` +
      (rss === null ? '' : `, renderer RSS ${Math.round(rss / 2 ** 20)} MB`),
  );
  for (const s of spans) {
    const end = Math.round(s.start + s.duration);
    console.log(
      `  ${String(Math.round(s.start)).padStart(6)} → ${String(end).padStart(6)}` +
        `  ${String(Math.round(s.duration)).padStart(6)} ms  ${s.name}`,
    );
  }
}

async function main() {
  const reloads = Number(process.argv[2] ?? 3);
  const trace = process.argv[3];
  const folder = await buildApp((line) => console.log(line));
  // ISOLATED=0: a host without COOP/COEP, as many static hosts are (ONNX Runtime on one thread).
  const host = await startMeteredHost({ folder, isolated: process.env.ISOLATED !== '0' });
  const browser = await launchBrowser();
  try {
    const context = await newAppContext(browser);
    const page = await context.newPage();
    const coldTraced = trace && process.env.TRACE_COLD === '1';
    if (coldTraced) await browser.startTracing(page, { path: trace, categories: TRACE_CATEGORIES });
    await page.goto(host.url);
    const cold = await readyMs(page, 300_000);
    if (coldTraced) await browser.stopTracing();
    await report('cold', page, cold, (await rendererMemory(browser)).rss);
    await host.settled();
    for (let r = 0; r < reloads; r++) {
      // The last reload is also traced (all processes), for chrome://tracing or Perfetto.
      const traced = trace && !coldTraced && r === reloads - 1;
      if (traced) await browser.startTracing(page, { path: trace, categories: TRACE_CATEGORIES });
      await page.reload();
      const warm = await readyMs(page);
      if (traced) await browser.stopTracing();
      await report(`warm ${r + 1}`, page, warm, (await rendererMemory(browser)).rss);
    }
    await context.close();
  } finally {
    await browser.close();
    await host.stop();
  }
}

await main();
