/**
 * The app specs' shared fixtures: every request is watched (the app's own origin only, and no
 * request body carrying image bytes: the shopper's photo never leaves the device), plus helpers
 * to read the served catalog and pick real catalog photos.
 */
import {
  test as base,
  expect,
  type APIRequestContext,
  type BrowserContext,
  type Page,
  type Request,
} from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The real photos the demo catalog is built from. */
export const datasetImages = resolve(
  import.meta.dirname,
  '../../../shared/datasets/clothing/images',
);

/** Byte signatures of image formats (raw or base64), searched anywhere in a request body. */
const imageSignatures: Buffer[] = [
  Buffer.from([0xff, 0xd8, 0xff]),
  Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
  Buffer.from('GIF89a'),
  Buffer.from('GIF87a'),
  Buffer.from('WEBPVP8'),
  Buffer.from('ftypheic'),
  Buffer.from('ftypavif'),
  Buffer.from('/9j/'),
  Buffer.from('iVBORw0KGgo'),
  Buffer.from('UklGR'),
];

export function carriesImage(body: Buffer): boolean {
  return imageSignatures.some((signature) => body.includes(signature));
}

export interface RequestWatch {
  /** Everything seen so far, for specs that inspect requests themselves. */
  requests: Request[];
  /** Fails the test on any request to another origin or with image bytes in its body. */
  verify(): Promise<void>;
}

/**
 * Watches every request of a context (pages, their workers and the service worker). The app has
 * no server to talk to: only GET/HEAD to its own origin, and no body carrying image bytes. The
 * one exception is the share target, a POST the service worker answers itself, so the shared
 * photo never reaches the network. (A body Chromium cannot report, such as a File in a form,
 * counts as a body: the method alone fails it.)
 */
export function watchRequests(context: BrowserContext, appOrigin: string): RequestWatch {
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));
  return {
    requests,
    async verify() {
      const problems: string[] = [];
      for (const request of requests) {
        const url = request.url();
        if (url.startsWith('blob:') || url.startsWith('data:')) continue;
        if (new URL(url).origin !== appOrigin) problems.push(`other origin: ${url}`);
        const body = request.postDataBuffer();
        const sendsData = !['GET', 'HEAD'].includes(request.method()) || (body?.length ?? 0) > 0;
        if (!sendsData) continue;
        const response = await request.response().catch(() => null);
        const shareTarget = new URL(url).pathname.endsWith('/share-target');
        if (shareTarget && response?.fromServiceWorker()) continue;
        const image = body && carriesImage(body) ? ' with image bytes' : '';
        problems.push(`sends data${image}: ${request.method()} ${url}`);
      }
      expect(problems, 'requests that must not happen').toEqual([]);
    },
  };
}

export const test = base.extend<{ requestWatch: RequestWatch }>({
  requestWatch: [
    async ({ context, baseURL }, use) => {
      const watch = watchRequests(context, new URL(baseURL!).origin);
      await use(watch);
      await watch.verify();
    },
    { auto: true },
  ],
});

export { expect };

/** The catalog items as served (ids and fields, in index order). */
export interface ServedCatalog {
  ids: string[];
  fields: Record<string, string[]>;
}

export async function servedCatalog(
  request: APIRequestContext,
  appUrl: string,
): Promise<ServedCatalog> {
  const manifestUrl = new URL('catalog/manifest.json', appUrl);
  const manifest = (await (await request.get(manifestUrl.href)).json()) as {
    items: { file: string };
  };
  const items = await request.get(new URL(manifest.items.file, manifestUrl).href);
  return (await items.json()) as ServedCatalog;
}

/** A catalog item's original photo from the dataset. */
export function catalogPhoto(id: string): { path: string; bytes: Buffer } {
  const path = resolve(datasetImages, `${id}.jpg`);
  return { path, bytes: readFileSync(path) };
}

/** Waits until the status line reads exactly "ready". */
export async function waitReady(page: Page): Promise<void> {
  await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 90_000 });
}

export interface ShownResult {
  id: string;
  score: number;
}

/** Searches finished so far (0 before the first, or when no results are shown). */
export async function searchesDone(page: Page): Promise<number> {
  const grid = page.getByTestId('results');
  if ((await grid.count()) === 0) return 0;
  return Number(await grid.getAttribute('data-searches'));
}

/** The result grid as shown now. */
export async function shownResults(page: Page): Promise<ShownResult[]> {
  return page.getByTestId('result').evaluateAll((cards) =>
    cards.map((card) => ({
      id: (card as HTMLElement).dataset.id ?? '',
      score: Number((card as HTMLElement).dataset.score),
    })),
  );
}

/** Runs an action that starts a search, waits for that search to finish, returns its results. */
export async function afterSearch(
  page: Page,
  action: () => Promise<unknown>,
): Promise<ShownResult[]> {
  const before = await searchesDone(page);
  await action();
  await expect.poll(() => searchesDone(page), { timeout: 60_000 }).toBeGreaterThan(before);
  await expect(page.getByTestId('results')).toHaveAttribute('aria-busy', 'false');
  return shownResults(page);
}

export type UploadFile = string | { name: string; mimeType: string; buffer: Buffer };

/** Picks a file through THE upload input. */
export async function upload(page: Page, file: UploadFile): Promise<void> {
  await page.locator('input[type=file]').setInputFiles(file);
}

/** Opens the app and makes sure its service worker controls the page (shares go through it). */
export async function openControlled(page: Page): Promise<void> {
  await page.goto('./');
  await waitReady(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
  await waitReady(page);
}

/**
 * Shares a JPEG into the app as Android does: a multipart POST of the file to the web app
 * manifest's share_target action. Resolves with the results of the search it starts.
 */
export async function shareLikeAndroid(page: Page, jpeg: Buffer): Promise<ShownResult[]> {
  const manifest = (await (await page.request.get('manifest.webmanifest')).json()) as {
    share_target: { action: string; params: { files: { name: string }[] } };
  };
  const { action, params } = manifest.share_target;
  await page.evaluate(
    ({ action, field, base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const form = document.createElement('form');
      form.method = 'POST';
      form.enctype = 'multipart/form-data';
      form.action = action;
      const input = document.createElement('input');
      input.type = 'file';
      input.name = field;
      const files = new DataTransfer();
      files.items.add(new File([bytes], 'shared.jpg', { type: 'image/jpeg' }));
      input.files = files.files;
      form.append(input);
      document.body.append(form);
      form.submit();
    },
    { action, field: params.files[0].name, base64: jpeg.toString('base64') },
  );
  await page.waitForURL((url) => !url.pathname.endsWith('share-target'));
  await waitReady(page);
  await expect(page.getByTestId('results')).toHaveAttribute('data-searches', '1');
  await expect(page.getByTestId('results')).toHaveAttribute('aria-busy', 'false');
  return shownResults(page);
}
