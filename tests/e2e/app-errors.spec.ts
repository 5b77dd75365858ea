/** Bad input gets a clear message and the app stays usable. */
import {
  afterSearch,
  catalogPhoto,
  expect,
  servedCatalog,
  test,
  upload,
  waitReady,
} from './fixtures.ts';

test('a text file named .jpg and a 25 MB file are refused clearly; a good photo then works', async ({
  page,
}) => {
  await page.goto('./');
  await waitReady(page);
  const catalog = await servedCatalog(page.request, page.url());
  const error = page.getByTestId('error');

  await upload(page, {
    name: 'holiday.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from('These are my notes, not a photo.\n'.repeat(50)),
  });
  await expect(error).toBeVisible();
  await expect(error).toHaveText(/image|photo/i);
  const textMessage = await error.textContent();

  await upload(page, {
    name: 'huge.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.concat([catalogPhoto(catalog.ids[0]).bytes, Buffer.alloc(25 * 1024 * 1024)]),
  });
  await expect(error).toHaveText(/20 MB/);
  expect(await error.textContent()).not.toBe(textMessage);

  await expect(page.getByTestId('status')).toHaveText('ready');
  const id = catalog.ids[3];
  const results = await afterSearch(page, () => upload(page, catalogPhoto(id).path));
  expect(results[0].id).toBe(id);
  await expect(error).toHaveCount(0);
});
