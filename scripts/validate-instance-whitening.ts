/**
 * `npx tsx scripts/validate-instance-whitening.ts --pair-sets "camera:1;broad:1,broad:2"
 * [--shrinkages 0.1] [--outs 256] [--blends 0.35] [--instance-depths 20] [--margins 0.06]
 * [--pools 3] [--pool-margins 0.14]
 * [--pooled-layer block_13_expand_relu [--gem-p 3] [--pooled-mirror]]`, or
 * `... --whitening-file models/heads/mobilenet-v2-fashion.whitening.bin` to score a learned file
 * (with its pooled input, if any, computed as the graph does), optionally with
 * `--instance-views "full,centre-80;full,centre-80,corners-75;full,centre-80,map-10"`: catalog
 * views averaged for the whitened (instance) part only, the label part keeping the build's views
 * (`corners-75`: the 4 corner crops of 75%; `map-N`: GeM over the 4 corner N x N windows of the
 * pooled layer's map of the full photo's run, whitened with the full photo's embedding):
 * scores whitenings learned from different training pairs (scripts/lib/whitening-pairs.ts: which
 * training-side view families and seeds) as the app searches with them: the unwhitened model's
 * validation embeddings whitened in JS (float P; the graph stores it in uint8 codes), appended
 * after the embedding at a blend, each catalog photo the mean of its build views, then today's
 * label re-ranking and the instance-first top result. Validation split only; never the
 * evaluation queries or the evaluation-only shots. Markdown table on stdout.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LABEL_RERANK } from '../src/shared/search/label-rerank.ts';
import { INSTANCE_FIRST, type InstanceFirstOptions } from '../src/shared/search/instance-first.ts';
import { embedPhotos } from './eval/embed-photos.ts';
import { sideColours } from './eval/photo-colours.ts';
import {
  CATALOG_VIEWS,
  meanOfPartViews,
  meanOfViews,
  parseViews,
  type ViewName,
} from './lib/catalog-views.ts';
import { cornerWindows, regionalGemBackbone, windowRows } from './lib/regional-gem.ts';
import { demoDataset, parseCli, repoRoot } from './lib/cli.ts';
import { decodeImageNode } from './lib/decode-node.ts';
import { FASHION_HEAD_FILE } from './lib/head-file.ts';
import { onnxNodeModel } from './lib/node-model.ts';
import { validationShots } from './lib/validation-shots.ts';
import { whitenEmbedding } from './lib/whitened-embedding.ts';
import { pairDescriptors, pairPhotos, parsePairViews } from './lib/whitening-pairs.ts';
import { learnWhitening, whitenRows } from './lib/whitening.ts';
import { gemBackbone, pooledInputRows } from './lib/gem-backbone.ts';
import { decodeWhiteningFile, joinedWhitening, type PooledInput } from './lib/whitening-file.ts';
import type { NodeModel } from './lib/node-model-type.ts';
import { convertFashion } from './models/fashion-model.ts';
import { DEFAULT_HEAD_RECIPE } from './train/recipe.ts';
import { rerankScorer } from './train/rerank-scores.ts';
import { viewEmbeddings } from './train/view-embeddings.ts';

const args = parseCli('validate-instance-whitening', {
  images: { type: 'string', default: demoDataset.images },
  cache: { type: 'string', default: resolve(repoRoot, '.cache') },
  'pair-sets': { type: 'string', default: 'camera:1' },
  shrinkages: { type: 'string', default: '0.1' },
  outs: { type: 'string', default: '256' },
  blends: { type: 'string', default: '0.35' },
  'instance-depths': { type: 'string', default: '20' },
  margins: { type: 'string', default: '0.06' },
  /** How many of the nearest by the instance part alone instance-first also considers. */
  pools: { type: 'string', default: String(INSTANCE_FIRST.pool) },
  /** The margins a pooled item outside the blended top depth must clear ('': its --margins). */
  'pool-margins': { type: 'string', default: String(INSTANCE_FIRST.poolMargin ?? '') },
  digits: { type: 'string', default: '4' },
  /** Also learn the whitening on [embedding ‖ a layer's pooled vector] (scripts/lib/gem-backbone.ts). */
  'pooled-layer': { type: 'string', default: '' },
  'gem-p': { type: 'string', default: '3' },
  /** Average the pooled layer over the photo and its mirror image, as the exported graph does. */
  'pooled-mirror': { type: 'boolean', default: false },
  /** Score this whitening file instead of learning from --pair-sets. */
  'whitening-file': { type: 'string', default: '' },
  /** With --whitening-file: sets (;) of catalog views (,) averaged for the whitened part only. */
  'instance-views': { type: 'string', default: CATALOG_VIEWS.join(',') },
  /**
   * With --instance-views: keep the build's catalog rows, and let instance-first read each
   * candidate's best-matching view (max over views, as if the index held each view's part).
   */
  'instance-max': { type: 'boolean', default: false },
});
const list = (text: string) => text.split(',').map(Number);
/** Every instance-first setting asked for, with its table name. */
const instanceSettings = list(args['instance-depths']).flatMap((depth) =>
  list(args.margins).flatMap((margin) =>
    list(args.pools).flatMap((pool) =>
      (args['pool-margins'] ? list(args['pool-margins']) : [margin]).map((poolMargin) => ({
        name: `top ${depth}, margin ${margin}, pool ${pool} (margin ${poolMargin})`,
        options: { depth, margin, pool, poolMargin },
      })),
    ),
  ),
);

/** One --instance-views set: real catalog views, and map-window sizes of the full photo's run. */
const CORNER_VIEWS = ['top-left-75', 'top-right-75', 'bottom-left-75', 'bottom-right-75'] as const;
function parseInstanceViews(set: string): { name: string; views: ViewName[]; maps: number[] } {
  const views: ViewName[] = [];
  const maps: number[] = [];
  for (const item of set.split(',').map((v) => v.trim())) {
    if (item === 'corners-75') views.push(...CORNER_VIEWS);
    else if (item.startsWith('map-')) maps.push(Number(item.slice(4)));
    else views.push(...parseViews(item));
  }
  return { name: set, views, maps };
}
const instanceSets = args['instance-views'].split(';').map(parseInstanceViews);
// The build's views first (the label part and the learning code read those), then the others.
const ALL_VIEWS: ViewName[] = [
  ...new Set([...CATALOG_VIEWS, ...instanceSets.flatMap((set) => set.views)]),
];
const MAP_SIZES = [...new Set(instanceSets.flatMap((set) => set.maps))];
if (!ALL_VIEWS.includes('full') && MAP_SIZES.length)
  throw new Error('map windows need the full view');
const cache = resolve(args.cache);
// The broad shots are a second family for the same originals, on a validation stream of their
// own, so a whitening is also scored on damage its pairs may not have seen.
const { split, camera, broadShots } = validationShots(
  resolve(args.images),
  DEFAULT_HEAD_RECIPE.instanceQueries,
);

// The unwhitened default model, built in memory as learn-whitening.ts builds it.
const { onnx, spec } = convertFashion(new Uint8Array(readFileSync(FASHION_HEAD_FILE)));
const model = await onnxNodeModel(spec, onnx);
const dim = model.dim;
const embedder = {
  id: spec.id,
  name: spec.name,
  dim,
  cacheKey: spec.sha256,
  embed: async (photos: Uint8Array[]) =>
    model.embedImages(await Promise.all(photos.map((b) => decodeImageNode(b)))),
  dispose: () => Promise.resolve(),
};
const options = { cache: resolve(cache, 'eval') };
const fromFile = (path: string) => ({ load: async () => new Uint8Array(await readFile(path)) });
const queries = (
  await embedPhotos(
    embedder,
    split.valQueries.map((p) => fromFile(p.path)),
    { ...options, label: 'validation queries' },
  )
).vectors;
const cameraRows = (
  await embedPhotos(embedder, camera.queries, { ...options, label: 'validation camera queries' })
).vectors;
const broadRows = (
  await embedPhotos(embedder, broadShots, { ...options, label: 'validation broad shots' })
).vectors;
const allViews = await viewEmbeddings(
  model,
  split.valCatalog.map((p) => p.path),
  ALL_VIEWS,
  resolve(cache, 'views'),
);
const views = allViews.slice(0, CATALOG_VIEWS.length);
const photos = pairPhotos(split, DEFAULT_HEAD_RECIPE.instanceQueries);
const file = args['whitening-file']
  ? decodeWhiteningFile(new Uint8Array(readFileSync(args['whitening-file'])))
  : null;
const pairSets = file
  ? []
  : args['pair-sets'].split(';').map((set) => ({ name: set, views: parsePairViews(set) }));
const pairs = [];
for (const set of pairSets) {
  const started = performance.now();
  pairs.push(await pairDescriptors(model, photos, set.views, resolve(cache, 'whitening')));
  console.error(`pairs ${set.name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
await model.dispose();

/** Every side's rows from another extractor (same photos, same views, same caches' keys). */
async function sidesOf(extractor: NodeModel) {
  const wrapped = {
    ...embedder,
    id: extractor.spec.id,
    dim: extractor.dim,
    cacheKey: extractor.spec.sha256,
    embed: async (photos: Uint8Array[]) =>
      extractor.embedImages(await Promise.all(photos.map((b) => decodeImageNode(b)))),
  };
  const rows = async (sources: { load(): Promise<Uint8Array> }[], label: string) =>
    (await embedPhotos(wrapped, sources, { ...options, label })).vectors;
  return {
    queries: await rows(
      split.valQueries.map((p) => fromFile(p.path)),
      'validation queries',
    ),
    camera: await rows(camera.queries, 'validation camera queries'),
    broad: await rows(broadShots, 'validation broad shots'),
    views: await viewEmbeddings(
      extractor,
      split.valCatalog.map((p) => p.path),
      ALL_VIEWS,
      resolve(cache, 'views'),
    ),
    pairs: await Promise.all(
      pairSets.map((set) =>
        pairDescriptors(extractor, photos, set.views, resolve(cache, 'whitening')),
      ),
    ),
  };
}
type Sides = Awaited<ReturnType<typeof sidesOf>>;
/** Each side's extractor rows, of the photo, or the mean of photo and mirror image rows. */
async function pooledSides(layer: string, p: number, mirror: boolean): Promise<Sides> {
  const started = performance.now();
  const run = async (options: { mirror: boolean }) => {
    const built = gemBackbone(layer, p, options);
    const extractor = await onnxNodeModel(built.spec, built.onnx);
    const sides = await sidesOf(extractor);
    await extractor.dispose();
    return sides;
  };
  const plain = await run({ mirror: false });
  const result = mirror ? averaged(plain, await run({ mirror: true })) : plain;
  console.error(`pooled features: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return result;
}
const mean = (a: Float32Array, b: Float32Array) => a.map((x, i) => (x + b[i]) / 2);
function averaged(a: Sides, b: Sides): Sides {
  return {
    queries: mean(a.queries, b.queries),
    camera: mean(a.camera, b.camera),
    broad: mean(a.broad, b.broad),
    views: a.views.map((v, i) => mean(v, b.views[i])),
    pairs: a.pairs.map((x, i) => ({
      anchors: mean(x.anchors, b.pairs[i].anchors),
      positives: mean(x.positives, b.pairs[i].positives),
    })),
  };
}
let pooled: { half: number; sides: Sides } | undefined;
if (args['pooled-layer']) {
  const sides = await pooledSides(
    args['pooled-layer'],
    Number(args['gem-p']),
    args['pooled-mirror'],
  );
  pooled = { half: sides.queries.length / split.valQueries.length / 2, sides };
}

/** Rows [embedding ‖ w · unit part] (part: 0 average-pooled, 1 GeM-pooled half of `extra`). */
function widened(rows: Float32Array, extra: Float32Array, part: number, w: number): Float32Array {
  const { half } = pooled!;
  const count = rows.length / dim;
  const width = dim + half;
  const out = new Float32Array(count * width);
  for (let r = 0; r < count; r++) {
    out.set(rows.subarray(r * dim, (r + 1) * dim), r * width);
    const x = extra.subarray(r * 2 * half + part * half, r * 2 * half + (part + 1) * half);
    const scale = w / (Math.hypot(...x) || 1);
    for (let j = 0; j < half; j++) out[r * width + dim + j] = scale * x[j];
  }
  return out;
}

/** Rows [embedding ‖ blend · unit whitened part], scaled to unit length. */
function appendedPart(rows: Float32Array, white: Float32Array, out: number, blend: number) {
  const count = rows.length / dim;
  const width = dim + out;
  const result = new Float32Array(count * width);
  const scale = 1 / Math.sqrt(1 + blend * blend);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < dim; j++) result[r * width + j] = scale * rows[r * dim + j];
    for (let j = 0; j < out; j++) result[r * width + dim + j] = scale * blend * white[r * out + j];
  }
  return result;
}

const colours = await sideColours(split.valCatalog, split.valQueries, options.cache);
const sides = {
  labels: split.valCatalog.map((p) => p.label),
  colours: colours.catalog,
  queryLabels: split.valQueries.map((p) => p.label),
  queryColours: colours.queries,
  originals: camera.originals,
};
const fmt = (scores: number[]) => scores.map((x) => x.toFixed(Number(args.digits))).join(' | ');
console.log(
  `Validation split: ${split.valQueries.length} queries, ${camera.queries.length} camera queries, ` +
    `${split.valCatalog.length} catalog photos (unwhitened ${spec.id} ${spec.sha256.slice(0, 8)}, ` +
    `views ${CATALOG_VIEWS.join('+')}; ${photos.length} training photos per pair view).\n`,
);
console.log(
  '| pairs | shrinkage | dims | blend | instance-first | val P@5 | looks-alike P@5 | mAP@10 | MRR | instance R@1 | instance R@5 | P@1 | broad R@1 | broad R@5 | mean R@1 |',
);
console.log(
  '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
);
for (const [p, set] of pairSets.entries()) {
  for (const shrinkage of list(args.shrinkages)) {
    const started = performance.now();
    const full = learnWhitening(pairs[p].anchors, pairs[p].positives, dim, { shrinkage });
    console.error(
      `learned ${set.name} ${shrinkage} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    for (const out of list(args.outs)) {
      const whitening = { ...full, out, projection: full.projection.subarray(0, out * dim) };
      for (const blend of list(args.blends)) {
        const map = (rows: Float32Array) =>
          whitenEmbedding(whitening, { tail: 0, tailWeight: 0, blend }, rows, dim);
        const width = dim + out;
        const count = split.valCatalog.length;
        const common = {
          ...sides,
          dim: width,
          part: { offset: dim, dims: out },
          catalog: meanOfViews(views.map(map), count, width),
          queries: map(queries),
        };
        const score = rerankScorer({ ...common, camera: map(cameraRows) });
        const broad = rerankScorer({ ...common, camera: map(broadRows) });
        const both = (instance: InstanceFirstOptions | null) => {
          const a = score(LABEL_RERANK, instance);
          const b = broad(LABEL_RERANK, instance);
          return fmt([...a, b[4], b[5], (a[4] + b[4]) / 2]);
        };
        const row = `| ${set.name} | ${shrinkage} | ${out} | ${blend}`;
        console.log(`${row} | none (re-ranking only) | ${both(null)} |`);
        for (const { name, options } of instanceSettings) {
          console.log(`${row} | ${name} | ${both(options)} |`);
        }
      }
    }
  }
}

/** The whitening learned on [embedding ‖ pooled part], its part appended after the embedding. */
if (pooled) {
  const { sides: extra, half } = pooled;
  const inputs = [
    ['average', 0],
    [`GeM p ${args['gem-p']}`, 1],
  ] as const;
  for (const [p, set] of pairSets.entries()) {
    for (const [inputName, part] of inputs) {
      const wide = (rows: Float32Array, more: Float32Array) => widened(rows, more, part, 1);
      for (const shrinkage of list(args.shrinkages)) {
        const started = performance.now();
        const full = learnWhitening(
          wide(pairs[p].anchors, extra.pairs[p].anchors),
          wide(pairs[p].positives, extra.pairs[p].positives),
          dim + half,
          { shrinkage },
        );
        console.error(
          `learned ${set.name} + ${inputName} ${shrinkage} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
        for (const out of list(args.outs)) {
          const whitening = {
            ...full,
            out,
            projection: full.projection.subarray(0, out * full.dim),
          };
          for (const blend of list(args.blends)) {
            const map = (rows: Float32Array, more: Float32Array) =>
              appendedPart(rows, whitenRows(whitening, wide(rows, more)), out, blend);
            const width = dim + out;
            const count = split.valCatalog.length;
            const common = {
              ...sides,
              dim: width,
              part: { offset: dim, dims: out },
              catalog: meanOfViews(
                views.map((v, i) => map(v, extra.views[i])),
                count,
                width,
              ),
              queries: map(queries, extra.queries),
            };
            const score = rerankScorer({ ...common, camera: map(cameraRows, extra.camera) });
            const broad = rerankScorer({ ...common, camera: map(broadRows, extra.broad) });
            const both = (instance: InstanceFirstOptions | null) => {
              const a = score(LABEL_RERANK, instance);
              const b = broad(LABEL_RERANK, instance);
              return fmt([...a, b[4], b[5], (a[4] + b[4]) / 2]);
            };
            const row = `| ${set.name} + ${args['pooled-layer']} ${inputName} | ${shrinkage} | ${out} | ${blend}`;
            console.log(`${row} | none (re-ranking only) | ${both(null)} |`);
            for (const { name, options } of instanceSettings) {
              console.log(`${row} | ${name} | ${both(options)} |`);
            }
          }
        }
      }
    }
  }
}

/** A learned whitening file, scored as the exported graph computes it (P in float here). */
if (file) {
  const { meta } = file;
  const whole = joinedWhitening(file);
  const input: PooledInput | undefined = meta.pooled;
  const extra = input ? await pooledSides(input.layer, input.p, input.mirror) : null;
  const map = (rows: Float32Array, more?: Float32Array) =>
    input && more
      ? whitenEmbedding(whole, meta, rows, dim, {
          rows: pooledInputRows(more, null, input.dim),
          dim: input.dim,
        })
      : whitenEmbedding(whole, meta, rows, dim);
  // Instance-first needs the whitened part appended (the model's instance part).
  if (!meta.blend) throw new Error('--whitening-file scores blended whitenings only');
  const mapped = map(queries, extra?.queries);
  const width = mapped.length / split.valQueries.length;
  const count = split.valCatalog.length;
  const paths = split.valCatalog.map((p) => p.path);
  // Every catalog view's whitened rows (the model's output for that view).
  const viewRows = new Map<string, Float32Array>(
    ALL_VIEWS.map((v, i) => [v, map(allViews[i], extra?.views[i])]),
  );
  if (MAP_SIZES.length) {
    if (!input) throw new Error('map windows need a whitening with a pooled input');
    const started = performance.now();
    const windows = cornerWindows(MAP_SIZES);
    const regional = async (mirror: boolean) => {
      const built = regionalGemBackbone(input.layer, input.p, windows, { mirror });
      const extractor = await onnxNodeModel(built.spec, built.onnx);
      const [rows] = await viewEmbeddings(extractor, paths, ['full'], resolve(cache, 'views'));
      await extractor.dispose();
      return rows;
    };
    const plain = await regional(false);
    const mirrored = input.mirror ? await regional(true) : null;
    const full = allViews[ALL_VIEWS.indexOf('full')];
    windows.forEach((w, i) => {
      const pooledRows = windowRows(plain, mirrored, windows, i, input.dim);
      const rows = whitenEmbedding(whole, meta, full, dim, { rows: pooledRows, dim: input.dim });
      viewRows.set(`map-${w.corner}-${w.size}`, rows);
    });
    console.error(`map windows: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const labelRows = CATALOG_VIEWS.map((v) => viewRows.get(v)!);
  const learning = meta.learning as { views?: string; shrinkage?: number };
  const name = `${learning.views ?? '?'}${input ? ` + ${input.layer} GeM p ${input.p}${input.mirror ? ' (photo and mirror)' : ''}` : ''}`;
  for (const set of instanceSets) {
    const partRows = [
      ...set.views.map((v) => viewRows.get(v)!),
      ...set.maps.flatMap((size) =>
        cornerWindows([size]).map((w) => viewRows.get(`map-${w.corner}-${w.size}`)!),
      ),
    ];
    const max = args['instance-max'];
    const common = {
      ...sides,
      dim: width,
      part: { offset: dim, dims: whole.out },
      catalog: max
        ? meanOfViews(labelRows, count, width)
        : meanOfPartViews(labelRows, partRows, count, width, { offset: dim, dims: whole.out }),
      queries: mapped,
      instanceViews: max ? partRows : undefined,
    };
    const score = rerankScorer({ ...common, camera: map(cameraRows, extra?.camera) });
    const broad = rerankScorer({ ...common, camera: map(broadRows, extra?.broad) });
    const both = (instance: InstanceFirstOptions | null) => {
      const a = score(LABEL_RERANK, instance);
      const b = broad(LABEL_RERANK, instance);
      return fmt([...a, b[4], b[5], (a[4] + b[4]) / 2]);
    };
    const row = `| ${name}; instance views ${set.name}${max ? ' (max)' : ''} | ${learning.shrinkage ?? '?'} | ${whole.out} | ${meta.blend ?? 0}`;
    console.log(`${row} | none (re-ranking only) | ${both(null)} |`);
    for (const { name, options } of instanceSettings) {
      console.log(`${row} | ${name} | ${both(options)} |`);
    }
  }
}
