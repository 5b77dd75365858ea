import { instanceFirstOrder } from '../../src/shared/search/label-rerank.ts';
import { readFileSync } from 'node:fs';
import { afterSearch, expect, test } from './fixtures.ts';
import sharp from 'sharp';
import { expectReady, photos, searchWithPhoto, servedCatalog } from './engine-support.ts';

test.beforeEach(async ({ page }) => {
  await page.goto('./');
  await expectReady(page);
});

test('photos are recognised by their content, not their file name', async ({ page }) => {
  const { items } = await servedCatalog(page);
  const id = items.ids[7];
  const png = await sharp(`${photos}/${id}.jpg`).rotate().png().toBuffer();
  const input = page.locator('input[type="file"]').first();

  // PNG bytes under a .jpg name search fine.
  await input.setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: png });
  await expect(page.getByTestId('result').first()).toHaveAttribute('data-id', id);

  // Text under an image name is refused with a clear message...
  await input.setInputFiles({
    name: 'notes.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from('these are my shopping notes, not a photo'),
  });
  await expect(page.getByText(/not a photo the app can read/)).toBeVisible();

  // ...and so is an iPhone HEIC photo, which this browser cannot decode.
  const heic = Buffer.alloc(64);
  heic.write('ftypheic', 4, 'latin1');
  await input.setInputFiles({ name: 'IMG_0001.heic', mimeType: 'image/heic', buffer: heic });
  await expect(page.getByText(/HEIC photos cannot be read/)).toBeVisible();

  // A file over 20 MB is refused before it is read.
  await input.setInputFiles({
    name: 'huge.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.concat([readFileSync(`${photos}/${id}.jpg`), Buffer.alloc(21 * 1024 * 1024)]),
  });
  await expect(page.getByText(/photos up to 20 MB are accepted/)).toBeVisible();

  // The engine is still usable afterwards (waiting for this search: the first one's results are
  // still on screen, so a visible grid alone proves nothing).
  const other = items.ids[8];
  const results = await afterSearch(page, () => input.setInputFiles(`${photos}/${other}.jpg`));
  expect(results[0].id).toBe(other);
});

test('the latest photo wins when photos arrive faster than searches finish', async ({ page }) => {
  const { items } = await servedCatalog(page);
  const input = page.locator('input[type="file"]').first();
  const ids = items.ids.slice(10, 14);
  for (const id of ids) await input.setInputFiles(`${photos}/${id}.jpg`);
  const last = ids[ids.length - 1];
  await expect(page.getByTestId('result').first()).toHaveAttribute('data-id', last, {
    timeout: 30_000,
  });
  // Nothing that finished late replaces it.
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('result').first()).toHaveAttribute('data-id', last);
});

test('"More like this" searches with the stored vector and leaves the item itself out', async ({
  page,
}) => {
  const { items } = await servedCatalog(page);
  const id = items.ids[42];
  const photo = await searchWithPhoto(page, `${photos}/${id}.jpg`);
  expect(photo[0].id).toBe(id);

  await page.getByTestId('result').first().locator('button').first().click();
  // Read the grid only once it shows the new search (the latency panel can update first).
  const similar = await afterSearch(page, () =>
    page.getByRole('button', { name: 'More like this' }).click(),
  );
  await expect(page.getByTestId('latency')).toContainText('no model run');
  expect(similar.length).toBeGreaterThan(0);
  expect(similar.map((r) => r.id)).not.toContain(id);
  const scores = similar.map((r) => r.score);
  expect(instanceFirstOrder(scores)).toBe(true);
  // The stored vector is the photo's own (int8) vector: its nearest neighbour (the highest
  // score; first, or second after an instance-first pick) is one of the photo search's nearest.
  const nearest = similar.reduce((a, b) => (b.score > a.score ? b : a));
  expect(similar.slice(0, 2)).toContain(nearest);
  expect(photo.slice(1, 6).map((r) => r.id)).toContain(nearest.id);
});
