/**
 * `npm run eval -- [--images DIR] [--meta FILE] [--models ID,...] [--split photographer|random]
 * [--query-fraction 0.2] [--seed N] [--instance N] [--views full,centre-80] [--no-rerank] [--no-instance-first] [--json]
 * [--out DIR]`: retrieval quality of every model (and the colour-histogram and chance baselines)
 * through the app's int8 search. The catalog side stores the mean of --views (default: the catalog
 * build's); results are re-ranked by label as the app does (LABEL_RERANK) unless --no-rerank, and a
 * model that declares an instance part puts its best instance match first (INSTANCE_FIRST) unless
 * --no-instance-first.
 * Markdown (or, with --json, one JSON object) on stdout; files in docs/eval/; progress on stderr.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { summarizeChance } from '../../src/shared/metrics/summary.ts';
import { MAX_K } from '../../src/shared/search/flat-index.ts';
import { modelsDir } from '../lib/node-model.ts';
import { COLOUR_HISTOGRAM_ID } from '../lib/colour-histogram.ts';
import { loadLabelledPhotos } from '../lib/dataset.ts';
import { embeddersFor } from './embedders.ts';
import { CATALOG_VIEWS, parseViews } from '../lib/catalog-views.ts';
import { evaluateModel, type ModelEvaluation } from './evaluate-model.ts';
import { INSTANCE_FIRST } from '../../src/shared/search/instance-first.ts';
import { LABEL_RERANK } from '../../src/shared/search/label-rerank.ts';
import { evalShotSet } from './eval-shot-set.ts';
import { DEFAULT_INSTANCE_QUERIES } from '../lib/instance-queries.ts';
import { kindOf } from './instance-scores.ts';
import { sideColours } from './photo-colours.ts';
import { markdownReport, rounded, writeReport, type EvalReport } from './report.ts';
import { DEFAULT_SPLIT, splitPhotos, type SplitMode } from '../lib/split.ts';
import { demoDataset, failWith, parseCli, repoRoot } from '../lib/cli.ts';

const root = repoRoot;
// Annotated, so TypeScript sees that a call never returns.
const fail: (message: string) => never = failWith('eval');

const args = parseCli('eval', {
  images: { type: 'string', default: demoDataset.images },
  meta: { type: 'string' },
  models: { type: 'string' },
  split: { type: 'string', default: DEFAULT_SPLIT.mode },
  'query-fraction': { type: 'string', default: String(DEFAULT_SPLIT.queryFraction) },
  seed: { type: 'string', default: String(DEFAULT_SPLIT.seed) },
  instance: { type: 'string', default: String(DEFAULT_INSTANCE_QUERIES) },
  views: { type: 'string', default: CATALOG_VIEWS.join(',') },
  'no-rerank': { type: 'boolean', default: false },
  'no-instance-first': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  out: { type: 'string', default: resolve(root, 'docs/eval') },
  cache: { type: 'string', default: resolve(root, '.cache') },
});

const started = performance.now();
const split = args.split as SplitMode;
if (split !== 'photographer' && split !== 'random') fail('--split takes photographer or random');
const queryFraction = Number(args['query-fraction']);
if (!(queryFraction > 0 && queryFraction < 1)) fail('--query-fraction takes a number in (0, 1)');
const seed = Number(args.seed);
if (!Number.isInteger(seed) || seed < 0) fail('--seed takes a whole number');
const instanceCount = Number(args.instance);
if (!Number.isInteger(instanceCount) || instanceCount < 0) fail('--instance takes a whole number');
let views;
try {
  views = parseViews(args.views);
} catch (error) {
  fail((error as Error).message);
}
const images = resolve(args.images);
const meta = resolve(args.meta ?? resolve(images, '../images.csv'));
if (!existsSync(images)) fail(`no photo folder at ${images} (pass --images DIR)`);
if (!existsSync(meta)) fail(`no metadata file at ${meta} (pass --meta FILE)`);

/**
 * Every built model (a models/<id>/model.json) except test fixtures (ids ending in -fixture,
 * tiny random models for tests), then the colour-histogram baseline.
 */
function defaultModels(): string[] {
  const built = existsSync(modelsDir)
    ? readdirSync(modelsDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(resolve(modelsDir, e.name, 'model.json')))
        .filter((e) => !e.name.endsWith('-fixture'))
        .map((e) => e.name)
        .sort()
    : [];
  return [...built, COLOUR_HISTOGRAM_ID];
}
const rerank = args['no-rerank'] ? null : LABEL_RERANK;
const instanceFirst = args['no-instance-first'] ? null : INSTANCE_FIRST;
const modelIds = args.models ? args.models.split(',').map((m) => m.trim()) : defaultModels();

const log = (line: string) => console.error(line);
let report: EvalReport;
try {
  const photos = loadLabelledPhotos({ images, meta });
  const set = splitPhotos(photos, { mode: split, queryFraction, seed });
  if (!set.queries.length) fail('the split left no labelled query');
  const options = { cache: resolve(args.cache, 'eval'), catalogCache: resolve(args.cache) };
  const instance = evalShotSet(set.catalog, instanceCount, seed, options.cache);
  const colours = await sideColours(set.catalog, set.queries, options.cache);
  log(
    `eval: ${photos.length} photos; catalog ${set.catalog.length}, ${set.queries.length} queries, ` +
      `${instance.originals.length} camera queries; models ${modelIds.join(', ')}`,
  );

  const models: Record<string, ModelEvaluation> = {};
  for (const id of modelIds) {
    const embedders = await embeddersFor(id, views);
    try {
      models[id] = await evaluateModel(
        embedders,
        { catalog: set.catalog, queries: set.queries, instance, colours },
        options,
        rerank,
        instanceFirst,
      );
    } finally {
      await embedders.dispose();
    }
    log(
      `eval: ${id} P@5 ${models[id].p_at_5.toFixed(3)}, mAP@10 ${models[id].map_at_10.toFixed(3)}`,
    );
  }

  const counts = new Map<string, { catalog: number; queries: number }>();
  const count = (label: string) =>
    counts.get(label) ?? counts.set(label, { catalog: 0, queries: 0 }).get(label)!;
  for (const p of set.catalog) count(p.label).catalog++;
  for (const q of set.queries) count(q.label).queries++;
  const chance = summarizeChance(
    set.queries.map((q) => ({ label: q.label, totalRelevant: count(q.label).catalog })),
    set.catalog.length,
    Math.min(MAX_K, set.catalog.length),
  );
  const effects: Record<string, number> = {};
  for (const list of instance.effects) {
    for (const kind of new Set(list.map(kindOf))) effects[kind] = (effects[kind] ?? 0) + 1;
  }
  // A random ranking's top 5 holds, on average, 5 x (share of the catalog that looks alike).
  const alike = new Map<string, number>();
  set.catalog.forEach((p, i) => {
    const key = `${p.label}\u0000${colours.catalog[i]}`;
    alike.set(key, (alike.get(key) ?? 0) + 1);
  });
  const looksAlikeChance =
    set.queries.reduce(
      (sum, q, i) => sum + (alike.get(`${q.label}\u0000${colours.queries[i]}`) ?? 0),
      0,
    ) /
    set.queries.length /
    set.catalog.length;
  report = rounded({
    dataset: {
      photos: photos.length,
      split,
      query_fraction: queryFraction,
      seed,
      catalog: set.catalog.length,
      queries: set.queries.length,
      query_photographers: set.queryPhotographers.length,
      catalog_photographers: new Set(set.catalog.map((p) => p.photographer)).size,
      catalog_views: [...views],
      label_rerank: rerank,
      instance_first: instanceFirst,
      labels: Object.fromEntries([...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    },
    instance: {
      queries: instance.originals.length,
      sideways: effects.sideways ?? 0,
      effects: Object.fromEntries(Object.entries(effects).sort()),
    },
    chance: {
      ...chance,
      instance_recall_at_1: 1 / set.catalog.length,
      instance_recall_at_5: Math.min(5, set.catalog.length) / set.catalog.length,
      instance_sideways_recall_at_1: 1 / set.catalog.length,
      instance_upright_recall_at_1: 1 / set.catalog.length,
      instance_sideways_as_upright_recall_at_1: 1 / set.catalog.length,
      looks_alike_p_at_5: looksAlikeChance,
    },
    models,
  });
} catch (error) {
  fail((error as Error).message);
}

const written = writeReport(report, resolve(args.out));
console.log(args.json ? JSON.stringify(report) : markdownReport(report));
log(`eval: wrote ${written.length} files to ${resolve(args.out)}`);
log(`eval: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
