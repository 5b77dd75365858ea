/** The other ways a photo arrives: dropped, pasted, or straight from a phone camera with EXIF rotation. */
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import {
  afterSearch,
  catalogPhoto,
  expect,
  servedCatalog,
  test,
  upload,
  waitReady,
  type ServedCatalog,
} from './fixtures.ts';

let catalog: ServedCatalog;

test.beforeEach(async ({ page }) => {
  await page.goto('./');
  await waitReady(page);
  catalog ??= await servedCatalog(page.request, page.url());
});

/** A DataTransfer in the page holding the photo, as a drop or the clipboard carries it. */
async function transferOf(page: Page, bytes: Buffer) {
  return page.evaluateHandle((base64) => {
    const data = new DataTransfer();
    const photo = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    data.items.add(new File([photo], 'photo.jpg', { type: 'image/jpeg' }));
    return data;
  }, bytes.toString('base64'));
}

test('a photo dropped anywhere on the page is searched', async ({ page }) => {
  const id = catalog.ids[50];
  const dataTransfer = await transferOf(page, catalogPhoto(id).bytes);
  await page.dispatchEvent('main', 'dragenter', { dataTransfer });
  await expect(page.getByText('Drop the photo to search')).toBeVisible();
  const results = await afterSearch(page, () =>
    page.dispatchEvent('main', 'drop', { dataTransfer }),
  );
  await expect(page.getByText('Drop the photo to search')).toBeHidden();
  expect(results[0].id).toBe(id);
});

test('a pasted photo is searched; text pasted into a field stays text', async ({ page }) => {
  const id = catalog.ids[60];
  const clipboardData = await transferOf(page, catalogPhoto(id).bytes);
  const results = await afterSearch(page, () =>
    page.evaluate((data) => {
      document.body.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true }),
      );
    }, clipboardData),
  );
  expect(results[0].id).toBe(id);

  const topK = page.getByTestId('top-k');
  await topK.focus();
  const handled = await page.evaluate((data) => {
    const event = new ClipboardEvent('paste', {
      clipboardData: data,
      bubbles: true,
      cancelable: true,
    });
    document.activeElement!.dispatchEvent(event);
    return event.defaultPrevented;
  }, clipboardData);
  expect(handled).toBe(false);
});

test('a phone photo stored sideways with an EXIF orientation is shown and searched upright', async ({
  page,
}) => {
  const id = catalog.ids[70];
  const upright = await sharp(catalogPhoto(id).bytes)
    .rotate()
    .toBuffer({ resolveWithObject: true });
  // Pixels stored rotated a quarter turn, with EXIF orientation 6 saying "turn me back".
  const sideways = await sharp(upright.data)
    .rotate(-90)
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 95 })
    .toBuffer();
  const results = await afterSearch(page, () =>
    upload(page, { name: 'phone.jpg', mimeType: 'image/jpeg', buffer: sideways }),
  );
  expect(results[0].id).toBe(id);
  expect(results[0].score).toBeGreaterThanOrEqual(0.95);

  // The query photo shows upright: its box has the upright photo's proportions.
  const box = (await page.getByTestId('query-photo').boundingBox())!;
  const shown = box.width / box.height;
  expect(shown).toBeCloseTo(upright.info.width / upright.info.height, 1);
  const canvas = page.getByRole('img', { name: 'Your photo' }).locator('canvas');
  const drawn = await canvas.evaluate((el: HTMLCanvasElement) => el.width / el.height);
  expect(drawn).toBeCloseTo(upright.info.width / upright.info.height, 1);
});
