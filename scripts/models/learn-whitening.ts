/**
 * `npx tsx scripts/models/learn-whitening.ts [--shrinkage 0.1] [--tail-weight 0.283] [--out N]
 * [--blend X] [--whole] [--pairs camera:1,broad:1] [--images DIR] [--meta FILE]`: learns the default
 * model's whitening from matched pairs (each training photo and its views from the training-side
 * generators, one per family:seed; scripts/lib/whitening-pairs.ts) on the unwhitened model, and writes
 * models/heads/mobilenet-v2-fashion.whitening.bin; `npm run models` then builds it into the
 * graph. Reads the training split only; the same seeds give the same file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { demoDataset, parseCli, repoRoot } from '../lib/cli.ts';
import { loadLabelledPhotos } from '../lib/dataset.ts';
import { FASHION_HEAD_FILE } from '../lib/head-file.ts';
import { DEFAULT_INSTANCE_QUERIES } from '../lib/instance-queries.ts';
import { onnxNodeModel } from '../lib/node-model.ts';
import { DEFAULT_SPLIT } from '../lib/split.ts';
import { trainingSplit } from '../lib/training-split.ts';
import { withoutTail } from '../lib/whitened-embedding.ts';
import { encodeWhiteningFile, FASHION_WHITENING_FILE } from '../lib/whitening-file.ts';
import { PAIR_FAMILIES, pairDescriptors, pairPhotos, parsePairViews } from '../lib/whitening-pairs.ts';
import { learnWhitening } from '../lib/whitening.ts';
import { colourTermDim, FASHION_COLOUR } from './colour-term.ts';
import { convertFashion, fashionSourceHash } from './fashion-model.ts';

const args = parseCli('learn-whitening', {
  shrinkage: { type: 'string', default: '0.1' },
  'tail-weight': { type: 'string', default: '0.283' },
  blend: { type: 'string', default: '0' },
  out: { type: 'string' },
  whole: { type: 'boolean', default: false },
  /** Views per photo, family:seed (a bare seed is a camera-family view, as `--seeds` was). */
  pairs: { type: 'string', default: 'camera:1' },
  images: { type: 'string', default: demoDataset.images },
  meta: { type: 'string' },
  cache: { type: 'string', default: resolve(repoRoot, '.cache') },
  file: { type: 'string', default: FASHION_WHITENING_FILE },
});
const started = performance.now();
const images = resolve(args.images);
const split = trainingSplit(
  loadLabelledPhotos({ images, meta: resolve(args.meta ?? resolve(images, '../images.csv')) }),
  DEFAULT_SPLIT,
);
const photos = pairPhotos(split, DEFAULT_INSTANCE_QUERIES);
const views = parsePairViews(args.pairs);

// The unwhitened default model, built in memory: the whitening is learned on what it embeds.
const headBytes = new Uint8Array(readFileSync(FASHION_HEAD_FILE));
const { onnx, spec } = convertFashion(headBytes);
const model = await onnxNodeModel(spec, onnx);
const pairs = await pairDescriptors(model, photos, views, resolve(args.cache, 'whitening'));
await model.dispose();

const dim = spec.output.dim;
const tail = args.whole || !FASHION_COLOUR.weight ? 0 : colourTermDim(FASHION_COLOUR.bins);
const shrinkage = Number(args.shrinkage);
const whitening = learnWhitening(
  withoutTail(pairs.anchors, dim, tail),
  withoutTail(pairs.positives, dim, tail),
  dim - tail,
  { shrinkage, out: args.out ? Number(args.out) : undefined },
);
const bytes = encodeWhiteningFile({
  whitening,
  meta: {
    tail,
    tailWeight: tail ? Number(args['tail-weight']) : 0,
    blend: Number(args.blend),
    learnedOn: fashionSourceHash(headBytes, FASHION_COLOUR),
    learning: {
      shrinkage,
      views: args.pairs,
      pairs: pairs.anchors.length / dim,
      photos: 'training split (scripts/lib/training-split.ts), minus the evaluation and validation instance originals',
      generators: [...new Set(views.map((v) => v.family))].map(
        (f) => `scripts/lib/${PAIR_FAMILIES[f].source}, seed stream ${PAIR_FAMILIES[f].stream}`,
      ),
    },
  },
});
writeFileSync(args.file, bytes);
console.log(
  `learn-whitening: ${pairs.anchors.length / dim} pairs, ${dim - tail} -> ${whitening.out} dims` +
    `${tail ? ` + ${tail} colour` : ''}, shrinkage ${shrinkage}; wrote ${relative(process.cwd(), args.file)} ` +
    `(${(bytes.length / 1e3).toFixed(0)} KB) in ${((performance.now() - started) / 1000).toFixed(0)} s. Next: npm run models`,
);
