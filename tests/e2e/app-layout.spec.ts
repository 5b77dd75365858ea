/** Phone and desktop layouts (screenshots into test-results/), keyboard use and labelled controls. */
import { unnamedControls } from './a11y.ts';
import { pictureDrawn } from './catalog-pictures.ts';
import {
  afterSearch,
  catalogPhoto,
  expect,
  servedCatalog,
  test,
  upload,
  waitReady,
} from './fixtures.ts';

const layouts = [
  { name: 'phone', viewport: { width: 375, height: 812 } },
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
];

for (const { name, viewport } of layouts) {
  test(`${name} layout: start, results and detail`, async ({ page }, testInfo) => {
    await page.setViewportSize(viewport);
    await page.goto('./');
    await waitReady(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lookalike');
    await expect(page.getByTestId('sample').first()).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath(`${name}-start.png`) });

    const catalog = await servedCatalog(page.request, page.url());
    await afterSearch(page, () => upload(page, catalogPhoto(catalog.ids[9]).path));
    await expect
      .poll(() => pictureDrawn(page.getByTestId('result').first().getByTestId('thumb')))
      .toBe(true);
    // Nothing sticks out sideways.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    // On a phone, the first results are on the first screen.
    const firstTop = (await page.getByTestId('result').first().boundingBox())!.y;
    expect(firstTop).toBeLessThan(viewport.height);
    expect(await unnamedControls(page)).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath(`${name}-results.png`) });
    await page.screenshot({
      path: testInfo.outputPath(`${name}-results-full.png`),
      fullPage: true,
    });

    await page.getByTestId('result').nth(1).click();
    await expect(page.getByTestId('detail')).toBeVisible();
    await page.waitForTimeout(300);
    await page.screenshot({ path: testInfo.outputPath(`${name}-detail.png`) });
  });
}

test('the whole search works from the keyboard', async ({ page }) => {
  await page.goto('./');
  await waitReady(page);

  // Tab to the first sample and search it with Enter.
  const sample = page.getByTestId('sample').first();
  for (let i = 0; i < 30 && !(await sample.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(sample).toBeFocused();
  const results = await afterSearch(page, () => page.keyboard.press('Enter'));
  expect(results.length).toBeGreaterThan(0);

  // Tab to a result, open it, and ask for more like it.
  const second = page.getByTestId('result').nth(1).getByRole('button');
  for (let i = 0; i < 60 && !(await second.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(second).toBeFocused();
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(second).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(detail).toBeVisible();
  const more = detail.getByTestId('more-like-this');
  await more.focus();
  const similar = await afterSearch(page, () => page.keyboard.press('Enter'));
  expect(similar.length).toBeGreaterThan(0);
  await expect(page.getByText('More like this', { exact: true })).toBeVisible();
});
