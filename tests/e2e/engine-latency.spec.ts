/**
 * The engine's own account of its latency, in Chromium: over 20 photo searches the session
 * stats count each one, every new photo reports a decode, and each total spans its stages.
 * Prints time to ready and the per-stage table for the record; the figures themselves are the
 * bench's (`npm run bench -- --suite e2e`, `--suite startup`).
 */
import { expect, test } from './fixtures.ts';
import {
  expectReady,
  logRequests,
  photos,
  searchWithPhoto,
  servedCatalog,
} from './engine-support.ts';

test('time to ready and per-stage search latency', async ({ page, context }) => {
  const { manifest, items } = await servedCatalog(page);
  const requests = logRequests(context);
  let started = Date.now();
  await page.goto('./');
  await expectReady(page);
  const firstVisit = Date.now() - started;
  const downloaded = requests.filter((path) => path.startsWith('/catalog/')).length;

  started = Date.now();
  await page.reload();
  await expectReady(page);
  const secondVisit = Date.now() - started;

  const searches = 20;
  const step = Math.floor(items.ids.length / searches);
  for (let i = 0; i < searches; i++) {
    const id = items.ids[i * step];
    await page.locator('input[type="file"]').first().setInputFiles([]);
    await searchWithPhoto(page, `${photos}/${id}.jpg`);
    await expect(page.getByTestId('result').first()).toHaveAttribute('data-id', id);
  }
  await expect(page.getByTestId('latency')).toContainText(
    `Photo searches this session: ${searches}`,
  );
  const ms = async (id: string) =>
    Number((await page.getByTestId(id).innerText()).replace(/\s*ms$/, ''));
  const stages = ['decode', 'preprocess', 'embed', 'search', 'total'];
  const table: Record<string, { p50: number; p95: number }> = {};
  for (const stage of stages)
    table[stage] = { p50: await ms(`p50-${stage}`), p95: await ms(`p95-${stage}`) };
  const engine = await page.getByTestId('latency').locator('.engine').innerText();

  console.log(
    JSON.stringify(
      {
        catalog: { items: manifest.count, dim: manifest.models[0].dim, files: downloaded },
        engine,
        readyMs: { firstVisit, secondVisit },
        searchMs: table,
      },
      null,
      2,
    ),
  );
  for (const stage of stages) expect(table[stage].p95).toBeGreaterThanOrEqual(table[stage].p50);
  // Every search brought a new photo: each decoded it (kept pixels would show 0.0 ms).
  expect(table.decode.p50).toBeGreaterThan(0);
  for (const stage of stages)
    expect(table.total.p50, stage).toBeGreaterThanOrEqual(table[stage].p50);
});
