/** The first visit: the status line and progress bar show the download, then read exactly "ready". */
import { expect, test, waitReady } from './fixtures.ts';

test('first visit shows download progress with bytes and percent, then ready', async ({ page }) => {
  // Slow the catalog's files down a little so each step of the download can be seen.
  await page.route('**/catalog/**', async (route) => {
    await new Promise((done) => setTimeout(done, 150));
    await route.continue();
  });
  await page.goto('./');
  const status = page.getByTestId('status');
  await expect(status).toHaveText(/^downloading .+: [\d.]+ [KM]?B of [\d.]+ [KM]?B \(\d{1,3}%\)$/);
  await expect(page.getByTestId('progress')).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Catalog download' })).toBeVisible();
  // Nothing loops while the app loads: every frame of an endless animation is composited again,
  // and on two cores that time is taken from the start (docs/startup.md).
  const endless = await page.evaluate(() =>
    document
      .getAnimations()
      .filter((a) => a.effect?.getComputedTiming().iterations === Infinity)
      .map((a) => (a as CSSAnimation).animationName),
  );
  expect(endless).toEqual([]);
  await waitReady(page);
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await expect(page.getByTestId('sample')).toHaveCount(12);
});
