/** After the background download of pictures, the app works offline with every picture. */
import type { Page } from '@playwright/test';
import { afterSearch, expect, test, upload } from './fixtures.ts';
import { pictureStates, pictureUpload } from './catalog-pictures.ts';

// A shared 2-core machine: the first visit can take a while.
test.setTimeout(300_000);

const waitReady = (page: Page) =>
  expect(page.getByTestId('status')).toHaveText('ready', { timeout: 180_000 });

/** Opens the app under its service worker's control (it serves the shell offline). */
async function openControlled(page: Page): Promise<void> {
  await page.goto('./');
  await waitReady(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
  await waitReady(page);
}

test('after the background download, offline searches show every picture', async ({
  page,
  context,
}) => {
  await openControlled(page);
  await expect(page.getByTestId('pictures')).toHaveAttribute('data-state', 'done', {
    timeout: 180_000,
  });
  await context.setOffline(true);
  await page.reload();
  await waitReady(page);
  for (const index of [7, 3000]) {
    await afterSearch(page, () => upload(page, pictureUpload(index)));
    await expect.poll(() => pictureStates(page), { timeout: 30_000 }).not.toContain('placeholder');
  }
  await context.setOffline(false);
});
