/**
 * The built app open in a desktop-sized page, "ready", with `photos` of the shared set handed to
 * its probe: what the render tools (render-trace.ts, render-profile.ts) search with. Builds the
 * app unless given a built folder; closes the browser and the server after `body`.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { launchBrowser, loadPhotos, newAppContext, readyMs } from './app-page.ts';
import { buildApp, serveApp } from './app-server.ts';
import type { BenchProbe, QuerySample } from './probe-protocol.ts';
import { samplePhotos } from '../paths.ts';

export async function withSearchPage(
  photos: number,
  outDir: string | undefined,
  body: (session: { context: BrowserContext; page: Page }) => Promise<void>,
): Promise<void> {
  const server = await serveApp(outDir ?? (await buildApp((line) => console.log(line))));
  const browser = await launchBrowser();
  try {
    const context = await newAppContext(browser);
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(server.url);
    await readyMs(page);
    await loadPhotos(page, samplePhotos(photos));
    await body({ context, page });
  } finally {
    await browser.close();
    await server.stop();
  }
}

/**
 * Searches photos `from` to `from + count - 1` at a shopper's pace (0.7 s apart), each render
 * window marked as a "render" User Timing measure for a trace to show.
 */
export function paceSearches(page: Page, from: number, count: number): Promise<QuerySample[]> {
  return page.evaluate(
    async ([start, n]) => {
      const probe = (globalThis as unknown as { __bench: BenchProbe }).__bench;
      const samples: QuerySample[] = [];
      for (let i = start; i < start + n; i++) {
        const sample = await probe.query(i, 700);
        const end = performance.now();
        performance.measure('render', { start: end - sample.renderMs, end });
        samples.push(sample);
      }
      return samples;
    },
    [from, count] as const,
  );
}
