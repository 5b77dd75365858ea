/**
 * Ready before pictures: the first visit waits only for the default model, its shards and the
 * item table; result cards show colour placeholders until their pictures arrive (by HTTP Range),
 * the rest download in the background (deferred by Save-Data), offline the missing ones stay
 * colours, and a second model downloads when picked.
 */
import type { BrowserContext, Route } from '@playwright/test';
import { afterSearch, expect, test, upload } from './fixtures.ts';
import { demoCatalog, pictureDrawn, pictureStates, pictureUpload } from './catalog-pictures.ts';
import type { Page } from '@playwright/test';

// The precache must not mask what the page and its worker fetch.
test.use({ serviceWorkers: 'block' });
// A shared 2-core machine: the first visit can take a while.
test.setTimeout(300_000);

const waitReady = (page: Page) =>
  expect(page.getByTestId('status')).toHaveText('ready', { timeout: 180_000 });

const { manifest, items } = demoCatalog();
const secondModel = manifest.models[1].spec.id;

/**
 * Holds every request matching `pattern` until `release()`; records meanwhile what the status
 * line read when each was made.
 */
async function hold(context: BrowserContext, pattern: string, page?: Page) {
  const held: Route[] = [];
  const statusAtRequest: string[] = [];
  let released = false;
  await context.route(pattern, async (route) => {
    if (released) return route.continue();
    held.push(route);
    if (page) statusAtRequest.push((await page.getByTestId('status').textContent()) ?? '');
  });
  return {
    held,
    statusAtRequest,
    async release() {
      released = true;
      await Promise.all(held.map((route) => route.continue()));
    },
  };
}

const search = (page: Page, index: number) =>
  afterSearch(page, () => upload(page, pictureUpload(index)));

test('ready before any picture or the second model is requested; placeholders, then pictures', async ({
  page,
  context,
}) => {
  const pictures = await hold(context, '**/catalog/thumbs/**', page);
  const other: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (url.includes(`/${secondModel}/`)) other.push(url);
  });
  await page.goto('./');
  await waitReady(page);
  // Only after "ready" does anything ask for a picture (the background download starts then).
  await expect.poll(() => pictures.statusAtRequest.length).toBeGreaterThan(0);
  expect(new Set(pictures.statusAtRequest)).toEqual(new Set(['ready']));
  expect(other).toEqual([]);

  // Pictures still held: the results show in their items' colours.
  await search(page, 40);
  const first = page.getByTestId('result').first();
  await expect(first).toHaveAttribute('data-id', items.ids[40]);
  const thumb = first.getByTestId('thumb');
  await expect(thumb).toHaveAttribute('data-picture', 'placeholder');
  const colour = await thumb.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(colour).not.toBe('rgb(238, 236, 231)');
  expect(await page.getByTestId('result').locator('canvas.drawn').count()).toBe(0);

  // Released: each card's picture arrives by a Range request into its pack, and decodes.
  const ranges: string[] = [];
  context.on('request', (request) => {
    const range = request.headers()['range'];
    if (request.url().includes('/thumbs/pack-') && range) ranges.push(range);
  });
  await pictures.release();
  await expect.poll(() => pictureStates(page), { timeout: 60_000 }).not.toContain('placeholder');
  await expect.poll(() => pictureDrawn(thumb)).toBe(true);
  expect(ranges.length).toBeGreaterThan(0);
  await expect(page.getByText(/error|could not/i)).toHaveCount(0);
});

test('offline before the pictures are saved: placeholders and no error; online again, pictures', async ({
  page,
  context,
}) => {
  // The background download cannot get any pack.
  await context.route('**/catalog/thumbs/pack-*', (route) => route.abort('internetdisconnected'));
  await page.goto('./');
  await waitReady(page);
  // Each pack is retried a few times before the download pauses.
  await expect(page.getByTestId('pictures')).toHaveAttribute('data-state', 'offline', {
    timeout: 60_000,
  });
  await context.setOffline(true);
  await search(page, 1234);
  await expect(page.getByTestId('result').first()).toHaveAttribute('data-id', items.ids[1234]);
  const states = await pictureStates(page);
  expect(states.length).toBeGreaterThan(0);
  expect(new Set(states)).toEqual(new Set(['placeholder']));
  await expect(page.getByRole('alert')).toHaveCount(0);
  await context.unroute('**/catalog/thumbs/pack-*');
  await context.setOffline(false);
  // Back online, the cards get their pictures (Range requests are allowed again).
  await expect.poll(() => pictureStates(page), { timeout: 30_000 }).not.toContain('placeholder');
});

test('Save-Data defers the background download until the shopper asks for it', async ({
  page,
  context,
}) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'connection', {
      get: () => ({ saveData: true, type: 'wifi', effectiveType: '4g' }),
    });
  });
  const packs: string[] = [];
  context.on('request', (request) => {
    if (request.url().includes('/thumbs/pack-') && !request.headers()['range']) {
      packs.push(request.url());
    }
  });
  await page.goto('./');
  await waitReady(page);
  const line = page.getByTestId('pictures');
  await expect(line).toHaveAttribute('data-state', 'waiting', { timeout: 30_000 });
  await expect(line).toContainText('Data Saver is on');
  // Searching still brings the pictures it shows, one by one.
  await search(page, 99);
  await expect.poll(() => pictureStates(page), { timeout: 60_000 }).not.toContain('placeholder');
  expect(packs).toEqual([]);
  await line.getByRole('button', { name: /Save all .* for offline/ }).click();
  await expect(line).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  expect(packs).toHaveLength(manifest.thumbs.packs.length);
});

test('picking the second model downloads it with progress while the first keeps searching', async ({
  page,
  context,
}) => {
  const model = await hold(context, `**/models/${secondModel}/**`);
  await page.goto('./');
  await waitReady(page);
  await search(page, 500);
  await page.getByLabel('Model').selectOption(secondModel);
  const download = page.getByTestId('model-download');
  await expect(download).toContainText(`Downloading ${manifest.models[1].spec.name}`, {
    timeout: 30_000,
  });
  await expect.poll(() => model.held.length).toBeGreaterThan(0);
  // Meanwhile the default model still searches.
  const results = await search(page, 600);
  expect(results[0].id).toBe(items.ids[600]);
  await expect(page.getByLabel('Model')).toHaveValue(manifest.models[0].spec.id);
  await model.release();
  await expect(download).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByLabel('Model')).toHaveValue(secondModel);
  await expect(page.getByTestId('result').first()).toHaveAttribute('data-id', items.ids[600]);
});
