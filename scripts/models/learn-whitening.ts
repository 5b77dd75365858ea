/**
 * `npx tsx scripts/models/learn-whitening.ts [--model mobilenet-v2-fashion|inception-v3]
 * [--shrinkage 0.1] [--tail-weight 0.283] [--out N]
 * [--blend X] [--whole] [--pairs camera:1,broad:1] [--pooled-layer block_13_expand_relu --gem-p 3]
 * [--contrastive-epochs N [--contrastive-lr 0.01] [--temperature 0.05] [--batch 256]]
 * [--images DIR] [--meta FILE]`: learns the default model's whitening (or the opt-in
 * inception-v3's, whole embedding only) from matched pairs (each training photo and its views
 * from the training-side generators, one per family:seed; scripts/lib/whitening-pairs.ts) on the
 * unwhitened model, and writes models/heads/<id>.whitening.bin; `npm run models` then builds it into the
 * graph. With `--pooled-layer`, the whitening reads [embedding ‖ unit GeM-pooled layer, photo and
 * mirror averaged as the head's inputs are] (scripts/lib/gem-backbone.ts computes it as the graph
 * does). With `--contrastive-epochs`, P is then refined by InfoNCE over the same pairs
 * (scripts/lib/contrastive-projection.ts). Reads the training split only; the same seeds give the
 * same file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { demoDataset, parseCli, repoRoot } from '../lib/cli.ts';
import { loadLabelledPhotos } from '../lib/dataset.ts';
import { gemBackbone, pooledInputRows } from '../lib/gem-backbone.ts';
import { decodeHeadFile, FASHION_HEAD_FILE } from '../lib/head-file.ts';
import { DEFAULT_INSTANCE_QUERIES } from '../lib/instance-queries.ts';
import { onnxNodeModel } from '../lib/node-model.ts';
import { DEFAULT_SPLIT } from '../lib/split.ts';
import { trainingSplit } from '../lib/training-split.ts';
import { withoutTail, withPooledInput } from '../lib/whitened-embedding.ts';
import {
  encodeWhiteningFile,
  FASHION_WHITENING_FILE,
  splitWhitening,
  type PooledInput,
  type WhiteningMeta,
} from '../lib/whitening-file.ts';
import { PAIR_FAMILIES, pairDescriptors, pairPhotos, parsePairViews } from '../lib/whitening-pairs.ts';
import { learnWhitening } from '../lib/whitening.ts';
import {
  DEFAULT_CONTRASTIVE,
  refineWhitening,
  type ContrastiveOptions,
} from '../lib/contrastive-projection.ts';
import { colourTermDim, FASHION_COLOUR } from './colour-term.ts';
import { convertFashion, FASHION_ID, fashionSourceHash } from './fashion-model.ts';
import {
  convertInception,
  DEFAULT_INCEPTION_OPTIONS,
  INCEPTION_ID,
  INCEPTION_WHITENING_FILE,
  inceptionSourceHash,
} from './inception-model.ts';

const args = parseCli('learn-whitening', {
  model: { type: 'string', default: FASHION_ID },
  shrinkage: { type: 'string', default: '0.1' },
  'tail-weight': { type: 'string', default: '0.283' },
  blend: { type: 'string', default: '0' },
  out: { type: 'string' },
  whole: { type: 'boolean', default: false },
  /** Views per photo, family:seed (a bare seed is a camera-family view, as `--seeds` was). */
  pairs: { type: 'string', default: 'camera:1' },
  /** Also feed the whitening this backbone layer, GeM-pooled (scripts/models/whitening-term.ts). */
  'pooled-layer': { type: 'string', default: '' },
  'gem-p': { type: 'string', default: '3' },
  /** Refine P with InfoNCE for this many epochs after the closed form (0: the closed form). */
  'contrastive-epochs': { type: 'string', default: '0' },
  'contrastive-lr': { type: 'string', default: String(DEFAULT_CONTRASTIVE.lr) },
  temperature: { type: 'string', default: String(DEFAULT_CONTRASTIVE.temperature) },
  batch: { type: 'string', default: String(DEFAULT_CONTRASTIVE.batch) },
  images: { type: 'string', default: demoDataset.images },
  meta: { type: 'string' },
  cache: { type: 'string', default: resolve(repoRoot, '.cache') },
  file: { type: 'string' },
});
const started = performance.now();
const images = resolve(args.images);
const split = trainingSplit(
  loadLabelledPhotos({ images, meta: resolve(args.meta ?? resolve(images, '../images.csv')) }),
  DEFAULT_SPLIT,
);
const photos = pairPhotos(split, DEFAULT_INSTANCE_QUERIES);
const views = parsePairViews(args.pairs);

// The unwhitened model, built in memory: the whitening is learned on what it embeds.
const headBytes = new Uint8Array(readFileSync(FASHION_HEAD_FILE));
const inception = args.model === INCEPTION_ID;
if (!inception && args.model !== FASHION_ID) throw new Error(`--model ${FASHION_ID} or ${INCEPTION_ID}`);
if (inception && !args.whole) throw new Error('inception-v3 has no colour tail: pass --whole');
const { onnx, spec } = inception ? convertInception() : convertFashion(headBytes);
const learnedOn = inception
  ? inceptionSourceHash(DEFAULT_INCEPTION_OPTIONS)
  : fashionSourceHash(headBytes, FASHION_COLOUR);
const file = args.file ?? (inception ? INCEPTION_WHITENING_FILE : FASHION_WHITENING_FILE);
const model = await onnxNodeModel(spec, onnx);
const pairs = await pairDescriptors(model, photos, views, resolve(args.cache, 'whitening'));
await model.dispose();

const dim = spec.output.dim;
const tail = args.whole || !FASHION_COLOUR.weight ? 0 : colourTermDim(FASHION_COLOUR.bins);
if (args['pooled-layer'] && (tail || inception)) throw new Error('--pooled-layer needs --whole and the default model');
const pooled = args['pooled-layer'] ? await pooledPairs(args['pooled-layer'], Number(args['gem-p'])) : null;
const inputs = (rows: Float32Array, extra: Float32Array | undefined) =>
  pooled && extra
    ? withPooledInput(rows, dim, extra, pooled.input.dim)
    : withoutTail(rows, dim, tail);
const shrinkage = Number(args.shrinkage);
const anchors = inputs(pairs.anchors, pooled?.anchors);
const positives = inputs(pairs.positives, pooled?.positives);
const closedForm = learnWhitening(anchors, positives, dim - tail + (pooled?.input.dim ?? 0), {
  shrinkage,
  out: args.out ? Number(args.out) : undefined,
});
const contrastive: ContrastiveOptions = {
  ...DEFAULT_CONTRASTIVE,
  epochs: Number(args['contrastive-epochs']),
  lr: Number(args['contrastive-lr']),
  temperature: Number(args.temperature),
  batch: Number(args.batch),
};
// Rows are view-major (whitening-pairs.ts): row r is a view of photo r mod the photo count.
const whole = contrastive.epochs
  ? refineWhitening(
      closedForm,
      { anchors, positives, photoOf: Array.from({ length: pairs.anchors.length / dim }, (_, r) => r % photos.length) },
      contrastive,
      console.error,
    )
  : closedForm;
const meta: WhiteningMeta = {
  tail,
  tailWeight: tail ? Number(args['tail-weight']) : 0,
  blend: Number(args.blend),
  learnedOn,
  ...(pooled ? { pooled: pooled.input } : {}),
  learning: {
      shrinkage,
      views: args.pairs,
      pairs: pairs.anchors.length / dim,
      ...(contrastive.epochs ? { contrastive } : {}),
      photos: 'training split (scripts/lib/training-split.ts), minus the evaluation and validation instance originals',
      generators: [...new Set(views.map((v) => v.family))].map(
        (f) => `scripts/lib/${PAIR_FAMILIES[f].source}, seed stream ${PAIR_FAMILIES[f].stream}`,
      ),
  },
};
const bytes = encodeWhiteningFile({ ...splitWhitening(whole, meta), meta });
writeFileSync(file, bytes);
console.log(
  `learn-whitening: ${pairs.anchors.length / dim} pairs, ${whole.dim} -> ${whole.out} dims` +
    `${tail ? ` + ${tail} colour` : ''}, shrinkage ${shrinkage}; wrote ${relative(process.cwd(), file)} ` +
    `(${(bytes.length / 1e3).toFixed(0)} KB) in ${((performance.now() - started) / 1000).toFixed(0)} s. Next: npm run models`,
);

/** The pairs' pooled input (photo and, as the head sees them, mirror image): unit GeM rows. */
async function pooledPairs(layer: string, p: number) {
  const mirror = decodeHeadFile(headBytes).meta.views === 'average';
  const extract = async (options: { mirror: boolean }) => {
    const built = gemBackbone(layer, p, options);
    const extractor = await onnxNodeModel(built.spec, built.onnx);
    const rows = await pairDescriptors(extractor, photos, views, resolve(args.cache, 'whitening'));
    await extractor.dispose();
    return { rows, channels: extractor.dim / 2 };
  };
  const plain = await extract({ mirror: false });
  const mirrored = mirror ? await extract({ mirror: true }) : null;
  const channels = plain.channels;
  const input: PooledInput = { layer, p, dim: channels, mirror };
  return {
    input,
    anchors: pooledInputRows(plain.rows.anchors, mirrored?.rows.anchors ?? null, channels),
    positives: pooledInputRows(plain.rows.positives, mirrored?.rows.positives ?? null, channels),
  };
}
