/** The search box with the default, image-only model: words become metadata filters (chips). */
import {
  afterSearch,
  expect,
  servedCatalog,
  test,
  waitReady,
  type ServedCatalog,
} from './fixtures.ts';

let catalog: ServedCatalog;

test.beforeEach(async ({ page }) => {
  await page.goto('./');
  await waitReady(page);
  catalog ??= await servedCatalog(page.request, page.url());
});

const search = (page: import('@playwright/test').Page, text: string) =>
  afterSearch(page, async () => {
    await page.getByRole('searchbox', { name: 'Search by words' }).fill(text);
    await page.getByRole('searchbox', { name: 'Search by words' }).press('Enter');
  });

test('"red dress" shows only red dresses, with the filters it applied as chips', async ({
  page,
}) => {
  const redDresses = catalog.ids.filter(
    (_, i) => catalog.fields.label[i] === 'Dress' && catalog.fields.colour[i] === 'red',
  );
  expect(redDresses.length, 'the demo catalog holds red dresses').toBeGreaterThan(0);
  await expect(page.getByText('sees pictures only: words become filters')).toBeVisible();

  const results = await search(page, 'red dresses');
  expect(results).toHaveLength(Math.min(24, redDresses.length));
  for (const { id } of results) {
    const i = catalog.ids.indexOf(id);
    expect([catalog.fields.label[i], catalog.fields.colour[i]]).toEqual(['Dress', 'red']);
  }
  const scores = results.map((r) => r.score);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));

  const chips = page.getByTestId('keyword-chip');
  await expect(chips).toHaveCount(2);
  await expect(chips.nth(0)).toHaveAttribute('data-value', 'red');
  await expect(chips.nth(1)).toHaveAttribute('data-value', 'Dress');
  await expect(page.getByTestId('query-text')).toHaveText('“red dresses”');

  // The same words give the same order (deterministic ranking by the matches' centroid).
  const again = await search(page, 'red dresses');
  expect(again.map((r) => r.id)).toEqual(results.map((r) => r.id));
});

test('the filter chips narrow a keyword search, and unknown words are reported', async ({
  page,
}) => {
  const results = await search(page, 'navy jacket with stripes');
  expect(results.length).toBeGreaterThan(0);
  for (const { id } of results) {
    const i = catalog.ids.indexOf(id);
    expect([catalog.fields.label[i], catalog.fields.colour[i]]).toEqual(['Outwear', 'blue']);
  }
  await expect(page.getByTestId('keyword-leftover')).toHaveText('Ignored: stripes');

  const kidsChip = page.locator('[data-testid=chip][data-field=kids][data-value=True]');
  const narrowed = await afterSearch(page, () => kidsChip.click());
  for (const { id } of narrowed) {
    const i = catalog.ids.indexOf(id);
    expect(catalog.fields.kids[i]).toBe('True');
    expect(catalog.fields.label[i]).toBe('Outwear');
  }
  expect(narrowed.length).toBeLessThanOrEqual(results.length);

  await search(page, 'floral');
  await expect(page.getByTestId('keyword-reading')).toContainText('No catalog word found');
  await expect(page.getByTestId('result')).toHaveCount(0);
});
