/** Repeated photo searches in one page: the renderer keeps no decoded copy of each query photo or result picture. */
import { canvasHoldsPhoto } from './catalog-pictures.ts';
import { existsSync, readFileSync } from 'node:fs';
import type { Browser } from '@playwright/test';
import {
  afterSearch,
  catalogPhoto,
  expect,
  servedCatalog,
  test,
  upload,
  waitReady,
} from './fixtures.ts';

/**
 * Resident MB of the shared-memory mappings (/memfd) of the largest renderer: where a software
 * compositor keeps decoded images (discardable segments), tiles and canvas buffers.
 */
async function rendererSharedMb(browser: Browser): Promise<number> {
  const session = await browser.newBrowserCDPSession();
  const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  await session.detach();
  let largest = { rss: -1, shared: 0 };
  for (const { id } of processInfo.filter((p) => p.type === 'renderer')) {
    let rss = 0;
    let shared = 0;
    let inShared = false;
    for (const line of readFileSync(`/proc/${id}/smaps`, 'utf8').split('\n')) {
      const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (mapping) inShared = mapping[1].startsWith('/memfd:');
      const kb = /^Rss:\s+(\d+)/.exec(line);
      if (kb) {
        rss += Number(kb[1]);
        if (inShared) shared += Number(kb[1]);
      }
    }
    if (rss > largest.rss) largest = { rss, shared };
  }
  return largest.shared / 1024;
}

test('40 searches of different photos leave no decoded photo or picture behind, and the photo is painted', async ({
  page,
  browser,
}) => {
  test.skip(!existsSync('/proc/self/smaps'), 'reads the renderer memory from /proc');
  await page.goto('./');
  await waitReady(page);
  const catalog = await servedCatalog(page.request, page.url());
  // Photos of items far apart in the catalog: each search brings result pictures not shown before.
  const step = Math.floor(catalog.ids.length / 40);
  const photos = Array.from(
    { length: 45 },
    (_, i) => catalogPhoto(catalog.ids[(i * step) % catalog.ids.length]).path,
  );
  // Warm-up: the cards and the photo canvas settle.
  for (const photo of photos.slice(0, 5)) await afterSearch(page, () => upload(page, photo));
  const before = await rendererSharedMb(browser);
  for (const photo of photos.slice(5)) await afterSearch(page, () => upload(page, photo));
  const after = await rendererSharedMb(browser);
  console.log(`renderer shared memory: ${before.toFixed(1)} → ${after.toFixed(1)} MB`);
  // An <img> per photo kept each 400×533 photo decoded (~0.9 MB a search), and an <img> per
  // result picture kept every picture shown decoded (~0.2 MB each, several new ones a search).
  expect(after - before).toBeLessThan(12);

  // The photo itself is on screen: opaque, varied pixels in the canvas.
  const canvas = page.getByRole('img', { name: 'Your photo' }).locator('canvas');
  await expect.poll(() => canvasHoldsPhoto(canvas)).toBe(true);
});
