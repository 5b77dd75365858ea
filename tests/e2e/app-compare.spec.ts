/**
 * Compare: one photo through two models side by side. Each column must show exactly what the app
 * shows with that model alone (same photo, crop, filters and Top-K); the overlap count and badges
 * must match the two lists; a single-model catalog has no Compare at all.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { loadCatalog } from '../../scripts/lib/load-catalog.ts';
import { unnamedControls } from './a11y.ts';
import {
  afterSearch,
  datasetImages,
  expect,
  shownResults,
  test,
  upload,
  type ShownResult,
} from './fixtures.ts';
import { buildSmallCatalog, openWithCatalog } from './small-catalog.ts';

const photos = readdirSync(datasetImages).sort().slice(2000, 2048);
let catalogDir = '';
let singleDir = '';
/** Each item's label, from the built two-model catalog. */
let labels = new Map<string, string>();

test.beforeAll(async () => {
  test.setTimeout(240_000);
  catalogDir = await buildSmallCatalog('app-compare-e2e', photos);
  singleDir = await buildSmallCatalog('app-compare-single-e2e', photos, ['mobilenet-v2']);
  const { items } = await loadCatalog(catalogDir);
  labels = new Map(items.ids.map((id, i) => [id, items.fields.label[i]]));
});

interface Column {
  model: string;
  results: (ShownResult & { alsoRank: number | null })[];
}

const toggle = (page: Page) => page.getByRole('button', { name: 'Compare' });
const picker = (page: Page) => page.getByRole('combobox', { name: 'Model', exact: true });
const sidePicker = (page: Page, letter: 'A' | 'B') =>
  page.getByRole('combobox', { name: `Model ${letter}`, exact: true });
const ids = (results: { id: string }[]) => results.map((r) => r.id);
const scores = (results: { score: number }[]) => results.map((r) => r.score);

/** Searches the session finished so far, read from whichever view is showing. */
async function searchesDone(page: Page): Promise<number> {
  const view = page.locator('[data-testid=compare], [data-testid=results]');
  if ((await view.count()) === 0) return 0;
  return Number(await view.first().getAttribute('data-searches'));
}

async function readColumn(column: Locator): Promise<Column> {
  const results = await column.getByTestId('result').evaluateAll((cards) =>
    cards.map((card) => {
      const data = (card as HTMLElement).dataset;
      return {
        id: data.id ?? '',
        score: Number(data.score),
        alsoRank: data.alsoRank ? Number(data.alsoRank) : null,
      };
    }),
  );
  return { model: (await column.getAttribute('data-model')) ?? '', results };
}

/** Runs an action that starts a Compare search, waits until both columns show it, reads them. */
async function afterCompare(page: Page, action: () => Promise<unknown>): Promise<Column[]> {
  const before = await searchesDone(page);
  await action();
  await expect.poll(() => searchesDone(page), { timeout: 60_000 }).toBeGreaterThan(before);
  const grids = page.getByTestId('compare-results');
  await expect(grids).toHaveCount(2);
  for (const grid of await grids.all()) await expect(grid).toHaveAttribute('aria-busy', 'false');
  const columns = page.getByTestId('compare-column');
  return [await readColumn(columns.nth(0)), await readColumn(columns.nth(1))];
}

/** The overlap the page states and badges must be the one the two lists really have. */
async function expectOverlapShown(page: Page, [a, b]: Column[]): Promise<number> {
  const rankIn = (column: Column) => new Map(column.results.map((r, i) => [r.id, i + 1]));
  const inA = rankIn(a);
  const inB = rankIn(b);
  for (const r of a.results) expect(r.alsoRank, r.id).toBe(inB.get(r.id) ?? null);
  for (const r of b.results) expect(r.alsoRank, r.id).toBe(inA.get(r.id) ?? null);
  const shared = a.results.filter((r) => inB.has(r.id)).length;
  await expect(page.getByTestId('compare-shared')).toHaveText(String(shared));
  await expect(page.getByTestId('compare-overlap')).toContainText(
    `of ${Math.min(a.results.length, b.results.length)}`,
  );
  return shared;
}

test('Compare shows each model’s own results side by side, through crop, filters and Top-K', async ({
  page,
  context,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await openWithCatalog(page, context, catalogDir);

  // The same photo with each model alone, through the model picker.
  const query = photos[5];
  const mobilenet = await afterSearch(page, () => upload(page, join(datasetImages, query)));
  const clip = await afterSearch(page, () => picker(page).selectOption('clip-fixture'));
  expect(ids(clip)).not.toEqual(ids(mobilenet));

  // Compare, from the keyboard: the first two models, left and right, each list as shown alone.
  await expect(toggle(page)).toHaveAttribute('aria-pressed', 'false');
  await toggle(page).focus();
  const [a, b] = await afterCompare(page, () => page.keyboard.press('Enter'));
  await expect(toggle(page)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('results')).toHaveCount(0);
  await expect(picker(page)).toHaveCount(0);
  await expect(sidePicker(page, 'A')).toHaveValue('mobilenet-v2');
  await expect(sidePicker(page, 'B')).toHaveValue('clip-fixture');
  expect([a.model, b.model]).toEqual(['mobilenet-v2', 'clip-fixture']);
  expect(ids(a.results)).toEqual(ids(mobilenet));
  expect(scores(a.results)).toEqual(scores(mobilenet));
  expect(ids(b.results)).toEqual(ids(clip));
  expect(scores(b.results)).toEqual(scores(clip));
  // The photo itself is first for both, so the lists share at least it.
  expect(await expectOverlapShown(page, [a, b])).toBeGreaterThanOrEqual(1);
  for (const timing of await page.getByTestId('compare-embed').all()) {
    await expect(timing).toHaveText(/\d ms$/);
  }

  // A crop, a filter and Top-K re-run both models.
  const box = page.getByTestId('crop-box');
  const [ca, cb] = await afterCompare(page, async () => {
    await box.focus();
    for (let i = 0; i < 8; i++) await box.press('Shift+ArrowLeft');
  });
  expect(scores(ca.results)).not.toEqual(scores(a.results));
  expect(scores(cb.results)).not.toEqual(scores(b.results));
  // Filter on the photo's own label: the photo's item still qualifies, so neither list is empty.
  const label = labels.get(query.replace(/\.jpg$/, ''))!;
  const chip = page.locator(`[data-testid=chip][data-field=label][data-value="${label}"]`);
  await afterCompare(page, () => chip.click());
  const [fa, fb] = await afterCompare(page, async () => {
    await page.getByTestId('top-k').fill('6');
    await page.getByTestId('top-k').press('Enter');
  });
  const labelOf = (id: string) => labels.get(id);
  for (const column of [fa, fb]) {
    expect(column.results.length).toBeGreaterThan(0);
    expect(column.results.length).toBeLessThanOrEqual(6);
    expect(column.results.map((r) => labelOf(r.id))).toEqual(column.results.map(() => label));
  }
  await expectOverlapShown(page, [fa, fb]);

  // Picking the right-hand model on the left swaps the columns.
  const [sa, sb] = await afterCompare(page, () =>
    sidePicker(page, 'A').selectOption('clip-fixture'),
  );
  expect([sa.model, sb.model]).toEqual(['clip-fixture', 'mobilenet-v2']);
  expect(ids(sa.results)).toEqual(ids(fb.results));
  expect(ids(sb.results)).toEqual(ids(fa.results));

  // Compare off: each model alone, same crop, filter and Top-K, shows its column's results.
  const alone = await afterSearch(page, () => toggle(page).click());
  await expect(page.getByTestId('compare')).toHaveCount(0);
  const model = await picker(page).inputValue();
  const other = model === 'clip-fixture' ? 'mobilenet-v2' : 'clip-fixture';
  const byModel = { 'mobilenet-v2': fa, 'clip-fixture': fb };
  expect(ids(alone)).toEqual(ids(byModel[model as keyof typeof byModel].results));
  expect(scores(alone)).toEqual(scores(byModel[model as keyof typeof byModel].results));
  const otherAlone = await afterSearch(page, () => picker(page).selectOption(other));
  expect(ids(otherAlone)).toEqual(ids(byModel[other].results));
  expect(scores(otherAlone)).toEqual(scores(byModel[other].results));
});

test('Compare on a phone: columns stacked, nothing sideways, every control named', async ({
  page,
  context,
}, testInfo) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await openWithCatalog(page, context, catalogDir);
  await afterSearch(page, () => upload(page, join(datasetImages, photos[11])));
  const [a, b] = await afterCompare(page, () => toggle(page).click());
  expect(a.results.length).toBeGreaterThan(0);
  expect(b.results.length).toBe(a.results.length);

  const columns = page.getByTestId('compare-column');
  const first = (await columns.nth(0).boundingBox())!;
  const second = (await columns.nth(1).boundingBox())!;
  expect(second.y).toBeGreaterThanOrEqual(first.y + first.height);
  expect(first.x + first.width).toBeLessThanOrEqual(375);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  // Each column's cards stay inside the column (and so inside the page's padding).
  for (const [i, box] of [first, second].entries()) {
    const grid = (await columns.nth(i).getByTestId('compare-results').boundingBox())!;
    expect(grid.x + grid.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
  }
  for (const letter of ['A', 'B'] as const) {
    const select = (await sidePicker(page, letter).boundingBox())!;
    expect(select.x + select.width).toBeLessThanOrEqual(375);
  }
  expect(await unnamedControls(page)).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('phone-compare.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: testInfo.outputPath('desktop-compare.png') });
});

test('a single-model catalog offers no Compare and no model picker', async ({ page, context }) => {
  await openWithCatalog(page, context, singleDir);
  const results = await afterSearch(page, () => upload(page, join(datasetImages, photos[4])));
  expect(results[0].id).toBe(photos[4].replace(/\.jpg$/, ''));
  expect(results.length).toBeGreaterThan(0);
  await expect(page.getByTestId('result-count')).toBeVisible();
  await expect(page.getByTestId('compare-toggle')).toHaveCount(0);
  await expect(page.getByRole('combobox')).toHaveCount(0);
  expect(await shownResults(page)).toEqual(results);
});
