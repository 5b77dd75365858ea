import { expect, test } from './fixtures.ts';

test('the app opens and shows its heading', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lookalike');
});
