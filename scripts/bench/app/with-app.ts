/** Runs an app suite's body with the built app served and a browser open; stops both after. */
import type { Browser } from '@playwright/test';
import { launchBrowser } from './app-page.ts';
import { buildApp, serveApp, type AppServer } from './app-server.ts';

export interface AppRun {
  server: AppServer;
  browser: Browser;
  /** e.g. "Chromium 156.0.8078.79" */
  version: string;
  /** The built app's folder (a temp dir). */
  outDir: string;
}

export async function withApp<T>(
  log: (line: string) => void,
  body: (app: AppRun) => Promise<T>,
  outDir?: string,
): Promise<T> {
  const dir = outDir ?? (await buildApp(log));
  const server = await serveApp(dir);
  try {
    const browser = await launchBrowser();
    try {
      return await body({ server, browser, version: `Chromium ${browser.version()}`, outDir: dir });
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
  }
}
