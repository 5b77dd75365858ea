/** The live camera, with Chromium's fake device playing an MJPEG made from a catalog photo. */
import { chromium } from '@playwright/test';
import { makeCameraFixture } from '../fixtures/make-camera-fixture.ts';
import { chromiumFlags, chromiumPath } from './chromium.ts';
import {
  afterSearch,
  catalogPhoto,
  expect,
  servedCatalog,
  test,
  waitReady,
  watchRequests,
} from './fixtures.ts';

test('a captured camera frame of a catalog item finds it in the top 5', async ({
  request,
  baseURL,
}) => {
  const catalog = await servedCatalog(request, baseURL!);
  const id = catalog.ids[42];
  const video = await makeCameraFixture(catalogPhoto(id).path);

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      ...chromiumFlags,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  try {
    const context = await browser.newContext({ baseURL, permissions: ['camera'] });
    const watch = watchRequests(context, new URL(baseURL!).origin);
    const page = await context.newPage();
    await page.goto('./');
    await waitReady(page);

    await page.getByTestId('open-camera').click();
    const preview = page.getByTestId('camera').locator('video');
    await expect
      .poll(() => preview.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await expect(page.getByRole('button', { name: 'Switch camera' })).toBeVisible();

    // Keyboard first: the shutter has focus once the stream runs, so Enter captures.
    await expect(page.getByTestId('capture')).toBeFocused();
    const results = await afterSearch(page, () => page.keyboard.press('Enter'));
    expect(results.slice(0, 5).map((r) => r.id)).toContain(id);
    // The captured frame is now the query photo, camera closed.
    await expect(page.getByTestId('query-photo')).toBeVisible();
    await expect(page.getByTestId('camera')).toHaveCount(0);
    // Painted from the frame the worker sent back (an empty canvas is transparent).
    const centreAlpha = () =>
      page
        .getByTestId('query-photo')
        .locator('canvas')
        .evaluate((canvas: HTMLCanvasElement) => {
          const { width, height } = canvas;
          return canvas.getContext('2d')!.getImageData(width >> 1, height >> 1, 1, 1).data[3];
        });
    await expect.poll(centreAlpha).toBe(255);

    // Retake opens the camera again; Escape closes it and keeps the last search.
    await page.getByTestId('open-camera').click();
    await expect(page.getByTestId('camera')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('camera')).toHaveCount(0);
    await expect(page.getByTestId('query-photo')).toBeVisible();
    // Shown again: the session still holds the frame's picture.
    await expect.poll(centreAlpha).toBe(255);
    await watch.verify();
  } finally {
    await browser.close();
  }
});
