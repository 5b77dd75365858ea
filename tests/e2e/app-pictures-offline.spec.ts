/** After the background download of pictures, the app works offline with every picture. */
import type { Page } from '@playwright/test';
import { afterSearch, expect, openControlled, test, upload } from './fixtures.ts';
import { pictureUpload } from './catalog-pictures.ts';

// A shared 2-core machine: the first visit can take a while.
test.setTimeout(300_000);

const pictureStates = (page: Page) =>
  page
    .getByTestId('result')
    .evaluateAll((cards) =>
      cards.map((card) =>
        card.querySelector('[data-testid="thumb"]')!.getAttribute('data-picture'),
      ),
    );

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
  await expect(page.getByTestId('status')).toHaveText('ready', { timeout: 60_000 });
  for (const index of [7, 3000]) {
    await afterSearch(page, () => upload(page, pictureUpload(index)));
    await expect.poll(() => pictureStates(page), { timeout: 30_000 }).not.toContain('placeholder');
  }
  await context.setOffline(false);
});
