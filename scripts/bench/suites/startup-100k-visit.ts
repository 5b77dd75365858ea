/**
 * One cold visit of the app with a large catalog: time to "ready", the host's log split at that
 * instant, the renderer's memory then, and what the pictures line offers afterwards (a catalog
 * whose pictures exceed the threshold must ask before saving them, and fetch no pack meanwhile).
 */
import type { Browser } from '@playwright/test';
import { newAppContext, readyMs } from '../app/app-page.ts';
import { rendererMemory } from '../app/cdp-memory.ts';
import type { MeteredHost, Transfer } from '../app/metered-host.ts';

export interface LargeVisit {
  readyMs: number;
  beforeReady: Transfer[];
  /** The renderer process holding the page and its worker, right after ready: bytes. */
  rss: number;
  peakRss: number;
  /** The pictures line once ready: its state ('waiting' = it asks) and text. */
  pictures: { state: string | null; text: string };
  /** Whole thumbnail packs (200) sent between ready and the network going quiet, unasked. */
  packBytesAfterReady: number;
  /** Single pictures (206 Range answers) sent meanwhile: on demand, for cards on screen. */
  rangeBytesAfterReady: number;
}

const isPack = (t: Transfer) => /\/catalog\/thumbs\/pack-/.test(t.path);
const sum = (transfers: Transfer[]) => transfers.reduce((total, t) => total + t.bytes, 0);

export async function largeCatalogVisit(
  browser: Browser,
  host: MeteredHost,
  timeoutMs: number,
): Promise<LargeVisit> {
  const context = await newAppContext(browser);
  try {
    let beforeReady: Transfer[] | null = null;
    await context.exposeBinding(
      '__benchOnReady',
      (_source, readyAt: number) => void (beforeReady ??= host.snapshot(readyAt)),
    );
    host.reset();
    const page = await context.newPage();
    await page.goto(host.url);
    const ready = await readyMs(page, timeoutMs);
    const { rss, peakRss } = await rendererMemory(browser);
    beforeReady ??= host.snapshot();
    const line = page.getByTestId('pictures');
    await line.waitFor({ state: 'attached', timeout: 30_000 });
    // Give a download that starts by itself every chance to show in the log.
    await host.settled(3000, 30_000);
    const after = host.snapshot().slice(beforeReady.length);
    return {
      readyMs: ready,
      beforeReady,
      rss,
      peakRss,
      pictures: {
        state: await line.getAttribute('data-state'),
        text: ((await line.textContent()) ?? '').replace(/\s+/g, ' ').trim(),
      },
      packBytesAfterReady: sum(after.filter((t) => isPack(t) && t.whole)),
      rangeBytesAfterReady: sum(after.filter((t) => isPack(t) && !t.whole)),
    };
  } finally {
    await context.close();
  }
}
