/** Helpers for the engine specs: catalog facts, request logs, IndexedDB reads and a photo search. */
import { resolve } from 'node:path';
import { expect, type BrowserContext, type Page } from '@playwright/test';
import type { CatalogManifest, ItemTable } from '../../src/shared/catalog/manifest.ts';
import { pictureDrawn } from './catalog-pictures.ts';

export const photos = resolve(import.meta.dirname, '../../../shared/datasets/clothing/images');

/**
 * The served catalog: its manifest, item table, and the URL paths of the files a first visit
 * fetches whole before "ready" (the item table and the default model's shards; pictures come
 * after, by Range or in the background, and other models when picked).
 */
export async function servedCatalog(page: Page) {
  const manifest = (await (
    await page.request.get('catalog/manifest.json')
  ).json()) as CatalogManifest;
  const items = (await (
    await page.request.get(`catalog/${manifest.items.file}`)
  ).json()) as ItemTable;
  const files = [manifest.items.file, ...manifest.models[0].shards.map((s) => s.file)].map(
    (file) => `/catalog/${file}`,
  );
  const shards = manifest.models.flatMap((m) => m.shards.map((s) => `/catalog/${s.file}`));
  return { manifest, items, files, shards };
}

/**
 * Every request the app makes (page and its workers), as URL paths. The service worker's own
 * precaching (app shell and model, on install) is left out: it is not the engine's doing. A
 * catalog or model file's gzip copy is logged as the file it stands for: fetching either is
 * fetching that file.
 */
export function logRequests(context: BrowserContext): string[] {
  const paths: string[] = [];
  context.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    const copy = /\/(catalog|models)\/.*\.gz$/.test(path);
    if (!request.serviceWorker()) paths.push(copy ? path.slice(0, -'.gz'.length) : path);
  });
  return paths;
}

/** A Playwright route pattern for a catalog file and its gzip copy (the app fetches the copy). */
export const catalogFileRoute = (file: string): string => `**/catalog/${file}*`;

/** Every text the status line shows, recorded in the page as it changes. */
export async function recordStatus(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __statusSeen: string[] }).__statusSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="status"]')?.textContent?.trim();
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __statusSeen: string[] }).__statusSeen);
}

export async function expectReady(page: Page, timeout = 90_000): Promise<void> {
  await expect(page.getByTestId('status')).toHaveText('ready', { timeout });
}

export interface StoredState {
  current: string | null;
  pending: string | null;
  /** sha256 of every stored file but the pictures (packs and digests, saved in the background). */
  files: string[];
}

/** What the engine's IndexedDB holds, read from the page (same origin as the worker). */
export function storedState(page: Page): Promise<StoredState> {
  return page.evaluate(
    () =>
      new Promise<StoredState>((done, fail) => {
        const empty = { current: null, pending: null, files: [] };
        const open = indexedDB.open('lookalike-catalog');
        // No database yet: do not create one (abort the upgrade), report nothing stored.
        open.onblocked = () => fail(new Error('blocked'));
        open.onerror = () => (open.error?.name === 'AbortError' ? done(empty) : fail(open.error));
        open.onupgradeneeded = () => open.transaction!.abort();
        open.onsuccess = () => {
          const db = open.result;
          const names = Array.from(db.objectStoreNames);
          if (!names.includes('files')) {
            db.close();
            return done(empty);
          }
          const tx = db.transaction(['files', 'catalogs']);
          const keys = tx.objectStore('files').getAllKeys();
          const current = tx.objectStore('catalogs').get('current');
          const pending = tx.objectStore('catalogs').get('pending');
          type Stored = { version: string; manifest: CatalogManifest } | undefined;
          tx.oncomplete = () => {
            db.close();
            const pictures = new Set<string>();
            for (const record of [current.result as Stored, pending.result as Stored]) {
              const thumbs = record?.manifest.thumbs;
              for (const ref of [...(thumbs?.packs ?? []), thumbs?.digests]) {
                if (ref) pictures.add(ref.sha256);
              }
            }
            done({
              current: (current.result as Stored)?.version ?? null,
              pending: (pending.result as Stored)?.version ?? null,
              files: (keys.result as string[]).filter((hash) => !pictures.has(hash)),
            });
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
  );
}

/**
 * The sha256 of every file "ready" needs and stores: the item table, the default model and its
 * shards (other models are stored once picked; pictures are left out, see StoredState).
 */
export function manifestHashes(manifest: CatalogManifest): string[] {
  const model = manifest.models[0];
  return [manifest.items.sha256, model.spec.sha256, ...model.shards.map((s) => s.sha256)].sort();
}

/** Uploads a photo through the app's file input; returns the results' ids and scores. */
export async function searchWithPhoto(page: Page, path: string) {
  await page.locator('input[type="file"]').first().setInputFiles(path);
  const results = page.getByTestId('result');
  await expect(results.first()).toBeVisible({ timeout: 30_000 });
  // The best match's thumbnail, served from the stored pack, actually decodes.
  await expect.poll(() => pictureDrawn(results.first().getByTestId('thumb'))).toBe(true);
  return results.evaluateAll((nodes) =>
    nodes.map((node) => ({
      id: node.getAttribute('data-id') ?? '',
      score: Number(node.getAttribute('data-score')),
    })),
  );
}
