import { defineConfig } from '@playwright/test';
import { chromiumFlags, chromiumPath } from './tests/e2e/chromium.ts';

// End-to-end tests against the built app served by `vite preview`, in Debian's Chromium.
// E2E_PORT lets a second checkout run its suite beside a server already on 4173.
const port = Number(process.env.E2E_PORT ?? 4173);
export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  timeout: 120_000,
  workers: 1,
  // One retry on CI: two failure-path specs (a corrupt shard, offline mid-download) hang now and
  // then when run after others, and pass alone; see the closing note of session 3.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    launchOptions: { executablePath: chromiumPath, args: chromiumFlags },
    serviceWorkers: 'allow',
  },
  // `npm start` itself: builds the default model, the demo catalog and the app when missing
  // (Playwright starts the server before any global setup, so the build must happen here).
  webServer: {
    command: `node node_modules/tsx/dist/cli.mjs scripts/start.ts --port ${port}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 900_000,
    stdout: 'pipe',
  },
});
