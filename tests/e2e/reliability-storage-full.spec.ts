/**
 * Storage fills up while the pictures are being saved for offline use: the origin's quota is
 * really lowered (Chromium's Storage.overrideQuotaForOrigin), so the browser itself refuses the
 * writes, not a patched IndexedDB. Search keeps working, the pictures not saved stay colour
 * placeholders offline, and the pictures line says why.
 */
import { afterSearch, expect, test, upload } from './fixtures.ts';
import { demoCatalog, pictureStates, pictureUpload } from './catalog-pictures.ts';
import { expectReady, storedState } from './engine-support.ts';

// Only IndexedDB counts against the quota (no precache in Cache Storage).
test.use({ serviceWorkers: 'block' });
test.setTimeout(300_000);

const { manifest, items } = demoCatalog();
const [model] = manifest.models;
/** What "ready" stores: the item table, the default model and its shards. */
const readyBytes =
  manifest.items.bytes + model.spec.bytes + model.shards.reduce((sum, s) => sum + s.bytes, 0);
const packBytes = manifest.thumbs.packs.reduce((sum, p) => sum + p.bytes, 0);
/** Room for what "ready" needs and a few picture packs, far from all of them. */
const quota = Math.round(readyBytes * 1.5) + 6 * 1024 * 1024;

test('storage full while pictures save: search works, missing pictures stay colours, a notice says why', async ({
  page,
  context,
  baseURL,
}) => {
  expect(quota).toBeLessThan(readyBytes + packBytes / 2);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', {
    origin: new URL(baseURL!).origin,
    quotaSize: quota,
  });
  await page.goto('./');
  await expectReady(page, 180_000);

  // The background download stops at the quota with a plain notice; the catalog itself stays
  // stored (storage filled with pictures, not before "ready").
  const line = page.getByTestId('pictures');
  await expect(line).toHaveAttribute('data-state', 'full', { timeout: 180_000 });
  await expect(line).toHaveText(
    'Storage is full: pictures not saved yet show as colours. Search keeps working.',
  );
  expect((await storedState(page)).current).toBe(manifest.version);
  await expect(page.getByTestId('status')).toHaveText('ready');

  // Offline, an item of the last pack (never saved) is found and shown as its colour.
  await context.setOffline(true);
  const last = manifest.thumbs.packs.length - 1;
  const index = items.thumbs.findIndex(([pack]) => pack === last);
  const results = await afterSearch(page, () => upload(page, pictureUpload(index)));
  expect(results[0].id).toBe(items.ids[index]);
  await page.waitForTimeout(2000);
  expect((await pictureStates(page))[0]).toBe('placeholder');
  await expect(page.getByTestId('status')).toHaveText('ready');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await context.setOffline(false);
});
