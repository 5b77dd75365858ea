/**
 * `npm run train -- [--images DIR] [--meta FILE] [--layers A,B] [--views plain|average]
 * [--hidden N] [--output N] [--epochs N] [--lr X] [--margin X|soft] [--seed N] [--out FILE]
 * [--no-export]`: trains the fashion head on
 * frozen MobileNetV2 features (protocol: docs/training.md), writes its weights and training log
 * to models/heads/, and exports models/mobilenet-v2-fashion/ (ONNX + model.json).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLabelledPhotos, type LabelledPhoto } from '../eval/dataset.ts';
import { DEFAULT_SPLIT } from '../eval/split.ts';
import { convertFashion, FASHION_HEAD_FILE } from '../models/fashion-model.ts';
import { writeModel } from '../models/write-model.ts';
import { backboneFeatures, selectFeatures } from './backbone-features.ts';
import { encodeHeadFile, type HeadMeta } from './head-file.ts';
import { trainHead, type TrainConfig } from './train-loop.ts';
import { trainingSplit } from './training-split.ts';
import { DEFAULT_HEAD_RECIPE } from './recipe.ts';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared/datasets/clothing');
const recipe = DEFAULT_HEAD_RECIPE;

function fail(message: string): never {
  console.error(`train: ${message}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      images: { type: 'string', default: resolve(shared, 'images') },
      meta: { type: 'string' },
      layers: { type: 'string', default: recipe.layers.join(',') },
      views: { type: 'string', default: recipe.views },
      hidden: { type: 'string', default: String(recipe.config.hidden) },
      output: { type: 'string', default: String(recipe.config.output) },
      epochs: { type: 'string', default: String(recipe.config.maxEpochs) },
      lr: { type: 'string', default: String(recipe.config.lr) },
      margin: { type: 'string', default: String(recipe.config.margin) },
      seed: { type: 'string', default: String(recipe.config.seed) },
      out: { type: 'string', default: FASHION_HEAD_FILE },
      cache: { type: 'string', default: resolve(root, '.cache/train') },
      'no-export': { type: 'boolean', default: false },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}

const whole = (name: string, value: string, min: number) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} takes a whole number >= ${min}`);
  return n;
};
const positive = (name: string, value: string) => {
  const x = Number(value);
  if (!(x > 0)) fail(`--${name} takes a positive number${name === 'margin' ? ' or soft' : ''}`);
  return x;
};
if (args.views !== 'plain' && args.views !== 'average') fail('--views takes plain or average');
const views = args.views;
const layers = args.layers.split(',').map((l) => l.trim());
const config: TrainConfig = {
  ...recipe.config,
  hidden: whole('hidden', args.hidden, 0),
  output: whole('output', args.output, 2),
  maxEpochs: whole('epochs', args.epochs, 1),
  lr: positive('lr', args.lr),
  margin: args.margin === 'soft' ? 'soft' : positive('margin', args.margin),
  seed: whole('seed', args.seed, 0),
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
const table = await backboneFeatures(
  seen.map((p) => p.path),
  { cache: resolve(args.cache), log: (line) => console.log(line) },
);
const { features, dim } = selectFeatures(table, layers, views);
const row = new Map(seen.map((p, i) => [p.id, i]));
const rows = (list: LabelledPhoto[]) => {
  const out = new Float32Array(list.length * dim);
  list.forEach((p, i) => {
    const r = row.get(p.id)!;
    out.set(features.subarray(r * dim, (r + 1) * dim), i * dim);
  });
  return { features: out, labels: list.map((p) => p.label) };
};

console.log(
  `train: ${layers.join(' + ')} (${dim} features, ${views} view) -> ${config.hidden ? `${config.hidden} -> ` : ''}${config.output}`,
);
const result = trainHead(
  {
    dim,
    train: rows(split.train),
    valQueries: rows(split.valQueries),
    valCatalog: rows(split.valCatalog),
  },
  config,
  (e) =>
    console.log(
      `epoch ${String(e.epoch).padStart(3)}  loss ${e.loss.toFixed(4)}  active ${e.active.toFixed(3)}  ` +
        `val mAP@10 ${e.valMapAt10.toFixed(4)}  val P@5 ${e.valPAt5.toFixed(4)}`,
    ),
);
console.log(
  `train: best epoch ${result.best.epoch}: val mAP@10 ${result.best.valMapAt10.toFixed(4)}, ` +
    `P@5 ${result.best.valPAt5.toFixed(4)} (weights restored)`,
);

const headMeta: HeadMeta = {
  layers,
  views,
  training: {
    script: 'scripts/train/train-head.ts',
    config,
    split: { ...DEFAULT_SPLIT, validationFraction: 0.2 },
    photos: {
      train: split.train.length,
      valQueries: split.valQueries.length,
      valCatalog: split.valCatalog.length,
    },
    best: result.best,
  },
};
const out = resolve(args.out);
mkdirSync(dirname(out), { recursive: true });
const headBytes = encodeHeadFile(result.head, headMeta);
writeFileSync(out, headBytes);
// The full curve, for docs and for checking a rerun reproduces it.
const logFile = out.replace(/\.bin$/, '.training.json');
writeFileSync(logFile, JSON.stringify({ ...headMeta, history: result.history }, null, 2) + '\n');
console.log(
  `train: wrote ${relative(root, out)} (${headBytes.length} bytes) and ${relative(root, logFile)}`,
);

if (!args['no-export']) {
  const { spec, onnx } = convertFashion(headBytes);
  const folder = writeModel(spec, onnx);
  console.log(
    `train: exported ${relative(root, folder)} (${(spec.bytes / 1e6).toFixed(2)} MB, dim ${spec.output.dim})`,
  );
}
console.log(`train: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
