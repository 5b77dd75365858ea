/**
 * The startup suite: time from navigation to the status line reading "ready" in the built app
 * (demo catalog, vite preview on loopback, headless Chromium): a cold first visit with an empty
 * profile (download, verify, store, load), a warm start (reload: catalog from IndexedDB, shell
 * from the service worker) and an offline start (the context offline after the first visit).
 */
import type { BrowserContext, Page } from '@playwright/test';
import { newAppContext, readyMs } from '../app/app-page.ts';
import { withApp } from '../app/with-app.ts';
import { suiteSection, table } from '../markdown-report.ts';
import { median, round } from '../stats.ts';
import type { BenchSuite, SuiteOptions, SuiteReport, TargetCheck } from '../types.ts';

type Kind = 'cold' | 'warm' | 'offline';

/** Waits until the service worker controls the page with its precache complete. */
async function precached(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    for (let i = 0; i < 200; i++) {
      let cached = 0;
      for (const name of await caches.keys())
        cached += (await (await caches.open(name)).keys()).length;
      if (cached > 0 && navigator.serviceWorker.controller) return;
      await new Promise((wait) => setTimeout(wait, 100));
    }
    throw new Error('the service worker did not precache the app');
  });
}

async function visit(
  context: BrowserContext,
  url: string,
  times: Record<Kind, number[]>,
  reps: number,
) {
  const page = await context.newPage();
  await page.goto(url);
  times.cold.push(await readyMs(page));
  await precached(page);
  for (let r = 0; r < reps; r++) {
    await page.reload();
    times.warm.push(await readyMs(page));
  }
  await context.setOffline(true);
  for (let r = 0; r < reps; r++) {
    await page.reload();
    times.offline.push(await readyMs(page));
  }
  await context.setOffline(false);
}

async function run(options: SuiteOptions): Promise<SuiteReport> {
  const { log, quick } = options;
  const visits = quick ? 1 : 3;
  const times: Record<Kind, number[]> = { cold: [], warm: [], offline: [] };
  const version = await withApp(log, async ({ server, browser, version }) => {
    for (let v = 0; v < visits; v++) {
      // A fresh context per cold visit: an empty profile, nothing cached or stored.
      const context = await newAppContext(browser);
      try {
        await visit(context, server.url, times, 2);
      } finally {
        await context.close();
      }
      log(
        `  visit ${v + 1}: cold ${Math.round(times.cold.at(-1)!)} ms, warm ` +
          `${times.warm.slice(-2).map(Math.round).join(', ')} ms, offline ` +
          `${times.offline.slice(-2).map(Math.round).join(', ')} ms`,
      );
    }
    return version;
  });
  const machine = { ...options.machine, browser: version };
  const rows = (['cold', 'warm', 'offline'] as const).map((kind) => ({
    start: kind,
    median_ms: Math.round(median(times[kind])),
    min_ms: Math.round(Math.min(...times[kind])),
    max_ms: Math.round(Math.max(...times[kind])),
    runs: times[kind].length,
    times_ms: times[kind].map((t) => round(t)),
  }));
  const find = (kind: Kind) => rows.find((r) => r.start === kind)!;
  const targets: TargetCheck[] = [
    {
      name: 'cold first visit → ready, median',
      target: '≤ 2.5 s',
      value: find('cold').median_ms,
      unit: 'ms',
      pass: find('cold').median_ms <= 2500,
    },
    {
      name: 'warm start (IndexedDB) → ready, median',
      target: '≤ 0.8 s',
      value: find('warm').median_ms,
      unit: 'ms',
      pass: find('warm').median_ms <= 800,
    },
  ];
  const notes = [
    `${visits} fresh browser contexts (empty profiles); in each: 1 cold visit, then 2 reloads` +
      ' (warm) and 2 reloads with the context offline. Times run from navigation start to the' +
      ' status line reading "ready", on the page\'s own clock.',
    'The catalog is the demo catalog from public/catalog (4,640 items, 27 MB of thumbnails),' +
      ' served by vite preview on loopback: the cold time is download + verify + store + load' +
      ' without network latency or bandwidth limits.',
  ];
  const report = {
    suite: 'startup',
    machine,
    cases: rows as unknown as Record<string, unknown>[],
    targets,
    notes,
  };
  const markdown = suiteSection(
    '## Startup: navigation → ready (`npm run bench -- --suite startup`)',
    machine,
    [
      '',
      table(
        ['start', 'median ms', 'min ms', 'max ms', 'runs'],
        rows.map((r) => [r.start, r.median_ms, r.min_ms, r.max_ms, r.runs]),
      ),
    ],
    targets,
    notes,
  );
  return { ...report, markdown };
}

export const startupSuite: BenchSuite = {
  name: 'startup',
  description: 'cold, warm (IndexedDB) and offline start to ready in the built app',
  run,
};
