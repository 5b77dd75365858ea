import { expect, test } from './fixtures.ts';
import { expectReady, photos, searchWithPhoto, servedCatalog } from './engine-support.ts';
import { SELF_MATCH_MIN } from './self-match.ts';

// Each page comes from the network here, so its headers are the ones this spec serves.
test.use({ serviceWorkers: 'block' });

test('cross-origin isolated, ONNX Runtime runs with threads', async ({ page }) => {
  await page.goto('./');
  await expectReady(page);
  const { items } = await servedCatalog(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const threads = await page.evaluate(() => Math.min(4, navigator.hardwareConcurrency));
  const results = await searchWithPhoto(page, `${photos}/${items.ids[0]}.jpg`);
  expect(results[0].id).toBe(items.ids[0]);
  await expect(page.getByTestId('latency')).toContainText(
    `${threads} ${threads === 1 ? 'thread' : 'threads'}`,
  );
  // No GPU here (this browser runs without --enable-unsafe-webgpu): WASM, and the panel says why.
  const backend = page.getByTestId('embed-backend');
  await expect(backend).toHaveAttribute('data-backend', 'wasm');
  await expect(backend).toContainText('no GPU adapter is available');
});

test('without COOP/COEP (a plain static host) it runs single-threaded, without errors', async ({
  page,
  context,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Serve the page without the isolation headers, as GitHub Pages and most static hosts do.
  await context.route(
    (url) => url.pathname === '/' || url.pathname.endsWith('/index.html'),
    async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    },
  );
  await page.goto('./');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await expectReady(page);
  const { items } = await servedCatalog(page);
  const results = await searchWithPhoto(page, `${photos}/${items.ids[1]}.jpg`);
  expect(results[0].id).toBe(items.ids[1]);
  expect(results[0].score).toBeGreaterThanOrEqual(SELF_MATCH_MIN);
  await expect(page.getByTestId('latency')).toContainText('1 thread ');
  expect(errors).toEqual([]);
});
