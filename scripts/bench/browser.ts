/**
 * Runs a bundled TypeScript entry in Debian's headless Chromium: esbuild bundles it, a tiny
 * node:http server serves it cross-origin isolated (COOP/COEP), Playwright drives the page.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { chromiumFlags, chromiumPath } from '../../tests/e2e/chromium.ts';
import { ISOLATION_HEADERS } from '../../src/shared/isolation-headers.ts';

export interface BrowserSession {
  page: Page;
  browser: Browser;
  /** Why each optional entry that failed to bundle is missing. */
  missing: Record<string, string>;
  /** e.g. "Chromium 156.0.8078.79". */
  version: string;
  close(): Promise<void>;
}

export interface BundleFiles {
  /** The page's module script. */
  main: string;
  /** More entries served under /<name>.js (e.g. worker scripts). */
  extra?: Record<string, string>;
  /** Entries like `extra` that may fail to bundle (an optional package missing): left out then. */
  optional?: Record<string, string>;
  /** Files from disk: URL path prefix → file or folder (e.g. '/models/' → models dir). */
  files?: Record<string, string>;
}

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** The disk file a URL path maps to through `mounts`, or null (never outside a mount). */
function mounted(mounts: Record<string, string>, path: string): string | null {
  for (const [prefix, target] of Object.entries(mounts)) {
    if (path === prefix && existsSync(target) && statSync(target).isFile()) return target;
    if (!prefix.endsWith('/') || !path.startsWith(prefix)) continue;
    const file = normalize(join(target, decodeURIComponent(path.slice(prefix.length))));
    if (file.startsWith(target) && existsSync(file) && statSync(file).isFile()) return file;
  }
  return null;
}

function serve(
  files: Map<string, { type: string; body: string }>,
  mounts: Record<string, string>,
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const file = files.get(path);
    const disk = file ? null : mounted(mounts, path);
    if (!file && !disk) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': file?.type ?? TYPES[extname(disk!)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
      // Cross-origin isolation: SharedArrayBuffer and 5 µs timers, like the app gets.
      ...ISOLATION_HEADERS,
    });
    if (file) response.end(file.body);
    else createReadStream(disk!).pipe(response);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/**
 * Opens the bundle in a fresh headless Chromium; waits until it sets globalThis.benchReady.
 * `webgpu` exposes WebGPU (here SwiftShader's software adapter, the only one without a GPU).
 */
export async function openBenchPage(
  files: BundleFiles,
  options: { webgpu?: boolean } = {},
): Promise<BrowserSession> {
  const served = new Map<string, { type: string; body: string }>([
    [
      '/',
      {
        type: 'text/html',
        body: '<!doctype html><meta charset="utf-8"><script type="module" src="/main.js"></script>',
      },
    ],
    ['/main.js', { type: 'text/javascript', body: await bundle(files.main) }],
  ]);
  for (const [name, entry] of Object.entries(files.extra ?? {})) {
    served.set(`/${name}.js`, { type: 'text/javascript', body: await bundle(entry) });
  }
  const missing: Record<string, string> = {};
  for (const [name, entry] of Object.entries(files.optional ?? {})) {
    try {
      served.set(`/${name}.js`, { type: 'text/javascript', body: await bundle(entry) });
    } catch (error) {
      // esbuild lists its errors (e.g. 'Could not resolve "hnswlib-wasm"'); say the first.
      const first = (error as { errors?: { text: string }[] }).errors?.[0]?.text;
      missing[name] = first ?? String(error);
    }
  }
  const server = await serve(served, files.files ?? {});
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      // expose-gc: suites free one subject's gigabyte before building the next.
      args: [
        ...chromiumFlags,
        '--js-flags=--expose-gc',
        ...(options.webgpu ? ['--enable-unsafe-webgpu'] : []),
      ],
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page
      .waitForFunction(() => (globalThis as { benchReady?: boolean }).benchReady === true, null, {
        timeout: 30_000,
      })
      .catch((error: unknown) => {
        throw new Error(`bench page did not start: ${errors.join('; ') || String(error)}`);
      });
    const opened = browser;
    return {
      page,
      browser: opened,
      missing,
      version: `Chromium ${opened.version()}`,
      close: async () => {
        await opened.close();
        server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    server.close();
    throw error;
  }
}
