/** Searching with an uploaded photo: ranking, what each result shows, Top-K, filters and crops. */
import { instanceFirstOrder } from '../../src/shared/search/label-rerank.ts';
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
import { SELF_MATCH_MIN } from './self-match.ts';

let catalog: ServedCatalog;

test.beforeEach(async ({ page }) => {
  await page.goto('./');
  await waitReady(page);
  catalog ??= await servedCatalog(page.request, page.url());
});

test('an uploaded catalog photo comes back first, and results are ranked by score', async ({
  page,
}) => {
  const id = catalog.ids[7];
  const results = await afterSearch(page, () => upload(page, catalogPhoto(id).path));

  expect(results).toHaveLength(24);
  expect(results[0].id).toBe(id);
  expect(results[0].score).toBeGreaterThanOrEqual(SELF_MATCH_MIN);
  // The best instance match among the nearest is first (instance-first.ts); after it, the
  // neighbours' kind vote may lift a result by at most its weight above one ranked before it.
  expect(instanceFirstOrder(results.map((r) => r.score))).toBe(true);

  // The count is announced; each result shows its rank, similarity and label, with alt text.
  const count = page.getByTestId('result-count');
  await expect(count).toHaveText('24 lookalikes');
  await expect(count).toHaveAttribute('aria-live', 'polite');
  const first = page.getByTestId('result').first();
  const label = catalog.fields.label[catalog.ids.indexOf(id)];
  await expect(first).toContainText(label);
  const percent = `${Math.round(results[0].score * 100)}%`;
  await expect(first).toContainText(percent);
  await expect(first.getByRole('img')).toHaveAccessibleName(`${label}, ${percent} similar`);
  for (const img of await page.getByTestId('result').getByRole('img').all()) {
    await expect(img).toHaveAccessibleName(/^.+, \d{1,3}% similar$/);
  }

  // The latency breakdown and the session stats are shown.
  await expect(page.getByTestId('latency-total')).toHaveText(/^\d+(\.\d)? ms$/);
  for (const stage of ['decode', 'preprocess', 'embed', 'search']) {
    await expect(page.getByTestId(`latency-${stage}`)).toHaveText(/ms$/);
  }
  await expect(page.getByTestId('p95-total')).toHaveText(/ms$/);
});

test('Top-K and filter chips narrow the results of the same photo', async ({ page }) => {
  const id = catalog.ids[21];
  await afterSearch(page, () => upload(page, catalogPhoto(id).path));

  const topK = page.getByTestId('top-k');
  let results = await afterSearch(page, async () => {
    await topK.fill('5');
    await topK.press('Enter');
  });
  expect(results).toHaveLength(5);
  expect(results[0].id).toBe(id);

  // A chip for the item's own label: every result now has that label.
  const index = catalog.ids.indexOf(id);
  const label = catalog.fields.label[index];
  const chip = page.locator(`[data-testid=chip][data-field=label][data-value="${label}"]`);
  results = await afterSearch(page, () => chip.click());
  await expect(chip).toHaveAttribute('aria-pressed', 'true');
  expect(results.length).toBeGreaterThan(0);
  for (const result of results) {
    expect(catalog.fields.label[catalog.ids.indexOf(result.id)]).toBe(label);
  }

  // Clearing the filters brings back the unfiltered ranking.
  results = await afterSearch(page, () =>
    page.getByRole('button', { name: 'Clear filters' }).click(),
  );
  expect(results[0].id).toBe(id);
  await expect(chip).toHaveAttribute('aria-pressed', 'false');
});

test('a crop re-searches the decoded photo, by keyboard and by dragging', async ({ page }) => {
  const id = catalog.ids[33];
  const whole = await afterSearch(page, () => upload(page, catalogPhoto(id).path));
  await expect(page.getByTestId('latency-decode')).not.toHaveText('0.0 ms');

  const box = page.getByTestId('crop-box');
  const cropped = await afterSearch(page, async () => {
    await box.focus();
    for (let i = 0; i < 12; i++) await box.press('Shift+ArrowLeft');
    for (let i = 0; i < 12; i++) await box.press('Shift+ArrowUp');
  });
  // No new decode: the worker kept the photo.
  await expect(page.getByTestId('latency-decode')).toHaveText('0.0 ms');
  expect(cropped.map((r) => r.score)).not.toEqual(whole.map((r) => r.score));
  await expect(page.getByRole('button', { name: 'Whole photo' })).toBeVisible();

  // Drag the box's top-left corner inwards with the pointer.
  const frame = (await box.boundingBox())!;
  const dragged = await afterSearch(page, async () => {
    await page.mouse.move(frame.x + 4, frame.y + 4);
    await page.mouse.down();
    await page.mouse.move(frame.x + frame.width * 0.3, frame.y + frame.height * 0.3, { steps: 5 });
    await page.mouse.up();
  });
  const after = (await box.boundingBox())!;
  expect(after.width).toBeLessThan(frame.width * 0.8);
  expect(dragged.map((r) => r.score)).not.toEqual(cropped.map((r) => r.score));

  // Back to the whole photo: the original ranking again.
  const again = await afterSearch(page, () =>
    page.getByRole('button', { name: 'Whole photo' }).click(),
  );
  expect(again.map((r) => r.id)).toEqual(whole.map((r) => r.id));
});

test('the session panel keeps p50 and p95 over every photo search', async ({ page }, testInfo) => {
  const ids = catalog.ids.slice(100, 106);
  for (const id of ids) await afterSearch(page, () => upload(page, catalogPhoto(id).path));
  await expect(page.getByTestId('latency')).toContainText(
    `Photo searches this session: ${ids.length}`,
  );

  const ms = async (testId: string) =>
    Number((await page.getByTestId(testId).textContent())!.replace(' ms', ''));
  const rows: Record<string, { p50: number; p95: number }> = {};
  for (const stage of ['decode', 'preprocess', 'embed', 'search', 'total']) {
    rows[stage] = { p50: await ms(`p50-${stage}`), p95: await ms(`p95-${stage}`) };
    expect(rows[stage].p95).toBeGreaterThanOrEqual(rows[stage].p50);
  }
  // Every upload was a new photo, so every search decoded one (a re-crop shows 0.0 ms).
  expect(rows.decode.p50).toBeGreaterThan(0);
  // A search's total spans its stages, so no stage's median exceeds the total's.
  for (const stage of ['decode', 'preprocess', 'embed', 'search']) {
    expect(rows.total.p50, stage).toBeGreaterThanOrEqual(rows[stage].p50);
  }
  // The figures the panel showed, in this run's report.
  await testInfo.attach('session-latency.json', { body: JSON.stringify(rows, null, 2) });
  console.log(`photo search latency over ${ids.length} uploads (ms):`, JSON.stringify(rows));
});
