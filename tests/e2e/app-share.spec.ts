/** Share links reproduce a search; a photo shared from another app (share target) is searched. */
import {
  afterSearch,
  catalogPhoto,
  expect,
  openControlled,
  servedCatalog,
  shareLikeAndroid,
  shownResults,
  test,
  upload,
  waitReady,
} from './fixtures.ts';

test('the link of a "more like this" search reproduces its results', async ({ page, context }) => {
  await page.goto('./');
  await waitReady(page);
  const catalog = await servedCatalog(page.request, page.url());
  await afterSearch(page, () => upload(page, catalogPhoto(catalog.ids[5]).path));

  // Open the third result, then "More like this", with a filter and a Top-K set.
  const third = page.getByTestId('result').nth(2);
  const itemId = (await third.getAttribute('data-id'))!;
  await third.click();
  const detail = page.getByTestId('detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByRole('heading', { level: 2 })).toHaveText(
    catalog.fields.label[catalog.ids.indexOf(itemId)] || 'Item',
  );
  let results = await afterSearch(page, () => detail.getByTestId('more-like-this').click());
  await expect(detail).toBeHidden();
  expect(results.map((r) => r.id)).not.toContain(itemId);
  const topK = page.getByTestId('top-k');
  await afterSearch(page, async () => {
    await topK.fill('12');
    await topK.press('Enter');
  });
  const kidsChip = page.locator('[data-testid=chip][data-field=kids]').first();
  results = await afterSearch(page, () => kidsChip.click());
  expect(results.length).toBeGreaterThan(0);
  expect(results.length).toBeLessThanOrEqual(12);

  const link = page.url();
  expect(link).toContain(`similar=${itemId}`);
  expect(link).toContain('k=12');
  expect(link).toContain('f.kids=');

  // A fresh tab opening the link shows the same search.
  const other = await context.newPage();
  await other.goto(link);
  await waitReady(other);
  await expect(other.getByTestId('results')).toHaveAttribute('data-searches', '1');
  await expect(other.getByTestId('results')).toHaveAttribute('aria-busy', 'false');
  expect(await shownResults(other)).toEqual(results);
  await expect(other.getByText('More like this', { exact: true })).toBeVisible();
  await expect(other.locator(`[data-testid=chip][data-field=kids][aria-pressed=true]`)).toHaveCount(
    1,
  );
  await expect(other.getByTestId('top-k')).toHaveValue('12');
});

test('the link of a sample search reproduces it', async ({ page, context }) => {
  await page.goto('./');
  await waitReady(page);
  const sample = page.getByTestId('sample').first();
  const sampleId = (await sample.getAttribute('data-id'))!;
  const results = await afterSearch(page, () => sample.click());
  // A sample is searched by its small WebP thumbnail: 13 of 400 items sampled this way rank a
  // near-duplicate photo first (at most 8th themselves), so the item need only be in the top 10.
  expect(results.slice(0, 10).map((r) => r.id)).toContain(sampleId);
  expect(page.url()).toContain(`sample=${sampleId}`);

  const other = await context.newPage();
  await other.goto(page.url());
  await waitReady(other);
  await expect(other.getByTestId('results')).toHaveAttribute('data-searches', '1');
  await expect(other.getByTestId('results')).toHaveAttribute('aria-busy', 'false');
  expect(await shownResults(other)).toEqual(results);
});

test('a photo shared from another app goes through the service worker and is searched', async ({
  page,
}) => {
  await openControlled(page);
  const catalog = await servedCatalog(page.request, page.url());
  const id = catalog.ids[17];
  const results = await shareLikeAndroid(page, catalogPhoto(id).bytes);
  expect(results[0].id).toBe(id);
  expect(new URL(page.url()).searchParams.has('shared')).toBe(false);
});

test('the link of a search by words reproduces it', async ({ page, context }) => {
  await page.goto('./');
  await waitReady(page);
  const box = page.getByRole('searchbox', { name: 'Search by words' });
  const results = await afterSearch(page, async () => {
    await box.fill('black shoes');
    await box.press('Enter');
  });
  expect(results.length).toBeGreaterThan(0);
  expect(new URL(page.url()).hash).toContain('q=black+shoes');

  const other = await context.newPage();
  await other.goto(page.url());
  await waitReady(other);
  await expect(other.getByTestId('results')).toHaveAttribute('data-searches', '1');
  await expect(other.getByTestId('results')).toHaveAttribute('aria-busy', 'false');
  expect(await shownResults(other)).toEqual(results);
  await expect(other.getByTestId('query-text')).toHaveText('“black shoes”');
});
