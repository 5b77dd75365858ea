/**
 * One startup visit of the built app through a metered host: a cold first visit in an empty
 * profile (timed to "ready", its transfers split at that instant, renderer RSS read then), and
 * optionally the warm and offline reloads that follow it in the same profile.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { newAppContext, readyMs } from './app-page.ts';
import { rendererMemory } from './cdp-memory.ts';
import type { MeteredHost, Transfer } from './metered-host.ts';

export interface ColdVisit {
  readyMs: number;
  /** The host's log at the instant the status read "ready". */
  beforeReady: Transfer[];
  /** The whole cold visit: until the precache is complete and the network quiet. */
  wholeVisit: Transfer[] | null;
  /** The app's renderer process (page and workers) once ready, bytes. */
  rss: number;
}

export interface VisitTimes {
  cold: ColdVisit;
  warm: number[];
  offline: number[];
}

/** Waits until the service worker controls the page with its precache complete. */
async function precached(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    for (let i = 0; i < 600; i++) {
      let cached = 0;
      for (const name of await caches.keys())
        cached += (await (await caches.open(name)).keys()).length;
      if (cached > 0 && navigator.serviceWorker.controller) return;
      await new Promise((wait) => setTimeout(wait, 100));
    }
    throw new Error('the service worker did not precache the app');
  });
}

/**
 * A shopper taps the link in a browser already running. Headless Chromium builds each new
 * context's window as it opens (its own UI pages, about 0.9 s of CPU in another renderer on
 * 2 cores); a visit that began at once would pay for that, so the tab idles until it is done.
 */
async function browserSettled(page: Page): Promise<void> {
  await page.goto('about:blank');
  await page.waitForTimeout(BROWSER_SETTLE_MS);
}

const BROWSER_SETTLE_MS = 2000;

async function reloads(page: Page, context: BrowserContext, reps: number) {
  const warm: number[] = [];
  const offline: number[] = [];
  for (let r = 0; r < reps; r++) {
    await page.reload();
    warm.push(await readyMs(page));
  }
  await context.setOffline(true);
  for (let r = 0; r < reps; r++) {
    await page.reload();
    offline.push(await readyMs(page));
  }
  await context.setOffline(false);
  return { warm, offline };
}

/**
 * A fresh context (no cache, storage or service worker), a cold visit; with `reps` > 0, then
 * the whole visit's log once settled and `reps` warm and offline reloads.
 */
export async function startupVisit(
  browser: Browser,
  host: MeteredHost,
  reps: number,
  timeoutMs = 120_000,
): Promise<VisitTimes> {
  const context = await newAppContext(browser);
  try {
    let beforeReady: Transfer[] | null = null;
    await context.exposeBinding(
      '__benchOnReady',
      (_source, readyAt: number) => void (beforeReady ??= host.snapshot(readyAt)),
    );
    const page = await context.newPage();
    await browserSettled(page);
    host.reset();
    await page.goto(host.url);
    const ready = await readyMs(page, timeoutMs);
    const { rss } = await rendererMemory(browser);
    beforeReady ??= host.snapshot();
    if (reps === 0) {
      return {
        cold: { readyMs: ready, beforeReady, wholeVisit: null, rss },
        warm: [],
        offline: [],
      };
    }
    await precached(page);
    await host.settled();
    const wholeVisit = host.snapshot();
    return {
      cold: { readyMs: ready, beforeReady, wholeVisit, rss },
      ...(await reloads(page, context, reps)),
    };
  } finally {
    await context.close();
  }
}
