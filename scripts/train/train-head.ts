/**
 * `npm run train -- [--layers A,B] [--views plain|average] [--layer-norm] [--hidden N]
 * [--output N] [--epochs N] [--lr X] [--weight-decay X] [--margin X|soft] [--view-augment]
 * [--instance-weight X] [--blend LAYER|none]
 * [--seed N] [--out FILE] [--no-export] [--images DIR] [--meta FILE]`: trains the fashion head
 * on frozen MobileNetV2 features (protocol: docs/training.md), picks the raw-blend weight on
 * validation, writes weights + training log to models/heads/, then runs `npm run models`, which
 * exports models/mobilenet-v2-fashion/ from the new head (training never imports the exporter).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { loadLabelledPhotos, type LabelledPhoto } from '../lib/dataset.ts';
import { DEFAULT_INSTANCE_QUERIES, instanceSet } from '../lib/instance-queries.ts';
import { deriveSeed } from '../lib/seeded-random.ts';
import { DEFAULT_SPLIT } from '../lib/split.ts';
import { backboneFeatures, selectFeatures, type FeatureTable } from '../lib/backbone-features.ts';
import { cameraViews } from './camera-views.ts';
import { chooseBlend, scoreBlends } from './choose-blend.ts';
import { encodeHeadFile, FASHION_HEAD_FILE, type HeadMeta } from '../lib/head-file.ts';
import { DEFAULT_HEAD_RECIPE as recipe } from './recipe.ts';
import { trainHead, type TrainConfig } from './train-loop.ts';
import { trainingSplit } from '../lib/training-split.ts';
import { demoDataset, failWith, parseCli, repoRoot } from '../lib/cli.ts';

const root = repoRoot;
// Annotated, so TypeScript sees that a call never returns.
const fail: (message: string) => never = failWith('train');

const args = parseCli('train', {
  images: { type: 'string', default: demoDataset.images },
  meta: { type: 'string' },
  layers: { type: 'string', default: recipe.layers.join(',') },
  views: { type: 'string', default: recipe.views },
  'layer-norm': { type: 'boolean', default: recipe.layerNorm },
  'view-augment': { type: 'boolean', default: recipe.viewAugment },
  'instance-weight': { type: 'string', default: String(recipe.config.instanceWeight ?? 0) },
  hidden: { type: 'string', default: String(recipe.config.hidden) },
  output: { type: 'string', default: String(recipe.config.output) },
  epochs: { type: 'string', default: String(recipe.config.maxEpochs) },
  lr: { type: 'string', default: String(recipe.config.lr) },
  'weight-decay': { type: 'string', default: String(recipe.config.weightDecay) },
  margin: { type: 'string', default: String(recipe.config.margin) },
  blend: { type: 'string', default: recipe.blend?.layer ?? 'none' },
  seed: { type: 'string', default: String(recipe.config.seed) },
  out: { type: 'string', default: FASHION_HEAD_FILE },
  cache: { type: 'string', default: resolve(root, '.cache/train') },
  'no-export': { type: 'boolean', default: false },
});

const whole = (name: string, value: string, min: number) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} takes a whole number >= ${min}`);
  return n;
};
const number = (name: string, value: string, min: number) => {
  const x = Number(value);
  if (!(x >= min)) fail(`--${name} takes a number >= ${min}${name === 'margin' ? ' or soft' : ''}`);
  return x;
};
if (args.views !== 'plain' && args.views !== 'average') fail('--views takes plain or average');
const views = args.views;
const layerNorm = args['layer-norm'];
const layers = args.layers.split(',').map((l) => l.trim());
const blendLayer = args.blend === 'none' ? null : args.blend;
if (blendLayer && !layers.includes(blendLayer))
  fail(`--blend ${blendLayer} must be one of --layers`);
const config: TrainConfig = {
  ...recipe.config,
  hidden: whole('hidden', args.hidden, 0),
  output: whole('output', args.output, 2),
  maxEpochs: whole('epochs', args.epochs, 1),
  lr: number('lr', args.lr, Number.MIN_VALUE),
  weightDecay: number('weight-decay', args['weight-decay'], 0),
  margin: args.margin === 'soft' ? 'soft' : number('margin', args.margin, Number.MIN_VALUE),
  seed: whole('seed', args.seed, 0),
  instanceWeight: number('instance-weight', args['instance-weight'], 0),
};
const images = resolve(args.images);
const meta = resolve(args.meta ?? resolve(images, '../images.csv'));
if (!existsSync(images) || !existsSync(meta)) fail(`need --images DIR and --meta FILE`);

const started = performance.now();
const photos = loadLabelledPhotos({ images, meta });
const split = trainingSplit(photos, DEFAULT_SPLIT);
// Only the evaluation's catalog side is ever read: its query photographers stay unseen.
const seen = split.evaluation.catalog;
console.log(
  `train: ${split.train.length} training photos, validation ${split.valQueries.length} queries ` +
    `over ${split.valCatalog.length}; ${split.evaluation.queries.length} evaluation queries held out`,
);
const log = (line: string) => console.log(line);
const table = await backboneFeatures(
  seen.map((p) => p.path),
  { cache: resolve(args.cache), log },
);
const rowOf = new Map(seen.map((p, i) => [p.id, i]));

/** Rows of `list` (photos of `seen`) from a feature matrix over `seen`. */
function pick(matrix: Float32Array, dim: number, list: LabelledPhoto[]): Float32Array {
  const out = new Float32Array(list.length * dim);
  list.forEach((p, i) => {
    const r = rowOf.get(p.id)!;
    out.set(matrix.subarray(r * dim, (r + 1) * dim), i * dim);
  });
  return out;
}
const head = (t: FeatureTable) => selectFeatures(t, layers, views, layerNorm);
const { features, dim } = head(table);
const labelled = (list: LabelledPhoto[]) => ({
  features: pick(features, dim, list),
  labels: list.map((p) => p.label),
});

console.log(
  `train: ${layers.join(' + ')} (${dim} features, ${views} view${layerNorm ? ', per-layer L2' : ''})` +
    ` -> ${config.hidden ? `${config.hidden} -> ` : ''}${config.output}`,
);
// Augmentation: batches also draw the plain and the mirrored photo's features.
const trainViews = args['view-augment']
  ? (['plain', 'mirror'] as const).map((view) => {
      const one = { ...table, views: { plain: table.views[view], mirror: table.views[view] } };
      return pick(head(one).features, dim, split.train);
    })
  : undefined;
// Camera-style queries of validation-catalog photos: instance R@1 per epoch and per blend weight.
const valCamera = instanceSet(
  split.valCatalog,
  recipe.instanceQueries,
  deriveSeed(DEFAULT_SPLIT.seed, 'validation'),
);
const valCameraTable = await backboneFeatures(
  await Promise.all(valCamera.queries.map((q) => q.load())),
  { cache: resolve(args.cache), log },
);
// Instance loss: one camera view per training photo, except the photos that the evaluation and
// the validation turn into camera queries: instance recall must be measured on unseen products.
let trainCamera: { features: Float32Array; has: Uint8Array } | undefined;
if (config.instanceWeight) {
  const evalOriginals = instanceSet(
    split.evaluation.catalog,
    DEFAULT_INSTANCE_QUERIES,
    DEFAULT_SPLIT.seed,
  ).originals.map((i) => split.evaluation.catalog[i].id);
  const valOriginals = valCamera.originals.map((i) => split.valCatalog[i].id);
  const excluded = new Set([...evalOriginals, ...valOriginals]);
  const viewed = split.train.filter((p) => !excluded.has(p.id));
  const views = await cameraViews(viewed, config.seed, resolve(args.cache));
  const viewTable = await backboneFeatures(views, { cache: resolve(args.cache), log });
  const viewFeatures = head(viewTable).features;
  const at = new Map(viewed.map((p, i) => [p.id, i]));
  const features = new Float32Array(split.train.length * dim);
  const has = new Uint8Array(split.train.length);
  split.train.forEach((p, i) => {
    const v = at.get(p.id);
    if (v === undefined) return;
    features.set(viewFeatures.subarray(v * dim, (v + 1) * dim), i * dim);
    has[i] = 1;
  });
  console.log(
    `train: instance loss x${config.instanceWeight} on ${viewed.length} camera views ` +
      `(${split.train.length - viewed.length} photos that evaluation or validation query for left out)`,
  );
  trainCamera = { features, has };
}
const result = trainHead(
  {
    dim,
    train: labelled(split.train),
    trainViews,
    trainCamera,
    valCamera: { features: head(valCameraTable).features, originals: valCamera.originals },
    valQueries: labelled(split.valQueries),
    valCatalog: labelled(split.valCatalog),
  },
  config,
  (e) =>
    console.log(
      `epoch ${String(e.epoch).padStart(3)}  loss ${e.loss.toFixed(4)}  active ${e.active.toFixed(3)}  ` +
        (e.instanceLoss !== undefined ? `instance loss ${e.instanceLoss.toFixed(4)}  ` : '') +
        `val mAP@10 ${e.valMapAt10.toFixed(4)}  val P@5 ${e.valPAt5.toFixed(4)}  ` +
        `val instance R@1 ${e.valInstanceR1?.toFixed(4)}`,
    ),
);
console.log(
  `train: best epoch ${result.best.epoch}: val mAP@10 ${result.best.valMapAt10.toFixed(4)}, ` +
    `P@5 ${result.best.valPAt5.toFixed(4)} (weights restored)`,
);

let blend: HeadMeta['blend'];
let blendScores: unknown;
if (blendLayer && recipe.blend) {
  const raw = (t: FeatureTable) => selectFeatures(t, [blendLayer], views, layerNorm);
  const rawAll = raw(table);
  const scores = scoreBlends(
    result.head,
    {
      features: {
        queries: pick(features, dim, split.valQueries),
        catalog: pick(features, dim, split.valCatalog),
        camera: head(valCameraTable).features,
      },
      raw: {
        queries: pick(rawAll.features, rawAll.dim, split.valQueries),
        catalog: pick(rawAll.features, rawAll.dim, split.valCatalog),
        camera: raw(valCameraTable).features,
      },
      rawDim: rawAll.dim,
      queryLabels: split.valQueries.map((p) => p.label),
      catalogLabels: split.valCatalog.map((p) => p.label),
      originals: valCamera.originals,
    },
    recipe.blend.weights,
  );
  console.log(
    `train: raw ${blendLayer} alone: val mAP@10 ${scores.raw.valMapAt10.toFixed(4)}, instance R@1 ${scores.raw.instanceRecallAt1.toFixed(4)}`,
  );
  for (const s of scores.blends) {
    console.log(
      `  blend weight ${s.weight.toFixed(2)}: val mAP@10 ${s.valMapAt10.toFixed(4)}, instance R@1 ${s.instanceRecallAt1.toFixed(4)}`,
    );
  }
  const chosen = chooseBlend(scores.raw, scores.blends, valCamera.originals.length);
  console.log(`train: blend weight ${chosen.weight} chosen`);
  if (chosen.weight > 0) blend = { layer: blendLayer, weight: chosen.weight };
  blendScores = { ...scores, raw: { ...scores.raw, weight: 'raw only' }, chosen: chosen.weight };
}

const headMeta: HeadMeta = {
  layers,
  views,
  ...(layerNorm ? { layerNorm } : {}),
  ...(blend ? { blend } : {}),
  training: {
    script: 'scripts/train/train-head.ts',
    // The features' backbone: a converter change that alters them calls for retraining.
    backbone: table.tag,
    config,
    viewAugment: args['view-augment'],
    split: { ...DEFAULT_SPLIT, validationFraction: 0.2 },
    photos: {
      train: split.train.length,
      valQueries: split.valQueries.length,
      valCatalog: split.valCatalog.length,
    },
    best: result.best,
    ...(blendScores ? { blend: blendScores } : {}),
  },
};
const out = resolve(args.out);
mkdirSync(dirname(out), { recursive: true });
const headBytes = encodeHeadFile(result.head, headMeta);
writeFileSync(out, headBytes);
// The full curve, for docs and for checking that a rerun reproduces it.
const logFile = out.replace(/\.bin$/, '.training.json');
writeFileSync(logFile, JSON.stringify({ ...headMeta, history: result.history }, null, 2) + '\n');
console.log(
  `train: wrote ${relative(root, out)} (${headBytes.length} bytes) and ${relative(root, logFile)}`,
);

/** Runs `npm run models`, which sees the head's new hash and rebuilds mobilenet-v2-fashion. */
function exportHead(): void {
  const cli = resolve(root, 'node_modules/tsx/dist/cli.mjs');
  const script = resolve(root, 'scripts/models/build-models.ts');
  const built = spawnSync(process.execPath, [cli, script], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

if (args['no-export']) console.log('train: not exported (--no-export)');
else if (out === FASHION_HEAD_FILE) exportHead();
else console.log(`train: not exported (npm run models reads ${relative(root, FASHION_HEAD_FILE)})`);
console.log(`train: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
