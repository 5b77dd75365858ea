/**
 * `npx tsx scripts/validate-descriptors.ts [--model ID] [--images DIR] [--meta FILE]
 * [--catalog-sample N] [--no-views] [--colour-tail N --tail-weights LIST]
 * [--whitening [--whitening-seeds 1,2] [--whitening-tail 64] [--whitening-sweep placement,blend,fine,wide|all]]`:
 * scores descriptor candidates on the validation split only (validation photographers' queries
 * over the validation catalog, camera queries from the training-side generator): database-side
 * view averaging, a colour term's weight, and whitening learned from training pairs (photo,
 * camera view; scripts/lib/whitening-pairs.ts). Never touches the evaluation queries,
 * photographers or the evaluation-only shot generator. Markdown table on stdout.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLabelledPhotos } from './lib/dataset.ts';
import { embedPhotos } from './eval/embed-photos.ts';
import { COLOUR_HISTOGRAM_DIM } from './lib/colour-histogram.ts';
import { colourHistogramEmbedder, modelEmbedder, type Embedder } from './eval/embedders.ts';
import { instanceSet } from './lib/instance-queries.ts';
import { photoColours } from './eval/photo-colours.ts';
import { deriveSeed, seededRandom, shuffle } from './lib/seeded-random.ts';
import { DEFAULT_SPLIT } from './lib/split.ts';
import { meanOfViews, type ViewName } from './lib/catalog-views.ts';
import { loadNodeModel } from './lib/node-model.ts';
import { demoDataset, repoRoot } from './lib/cli.ts';
import { scoreCandidate, type CandidateScores } from './train/float-scores.ts';
import { DEFAULT_HEAD_RECIPE } from './train/recipe.ts';
import { trainingSplit } from './lib/training-split.ts';
import { viewEmbeddings } from './train/view-embeddings.ts';
import { CATALOG_VIEWS } from './lib/catalog-views.ts';
import { pairDescriptors, pairPhotos, type DescriptorPairs } from './lib/whitening-pairs.ts';
import {
  scoreWhiteningVariants,
  WHITENING_BLENDS,
  WHITENING_FINE,
  WHITENING_VARIANTS,
  WHITENING_WIDE,
} from './train/whitening-candidates.ts';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'mobilenet-v2-fashion' },
    images: { type: 'string', default: demoDataset.images },
    meta: { type: 'string' },
    cache: { type: 'string', default: resolve(repoRoot, '.cache') },
    'catalog-sample': { type: 'string', default: '800' },
    'no-views': { type: 'boolean', default: false },
    /** The model's last N dims are an in-graph colour term built at weight 1: sweep its weight. */
    'colour-tail': { type: 'string', default: '0' },
    /** The weights the colour tail is swept over (comma-separated). */
    'tail-weights': { type: 'string', default: '0,0.2,0.25,0.3,0.35,0.4,0.5' },
    /** Score learned-whitening variants (whitening-candidates.ts) against none. */
    whitening: { type: 'boolean', default: false },
    /** Camera views per training photo for the pairs: one per seed. */
    'whitening-seeds': { type: 'string', default: '1' },
    /** The model's colour tail (last N dims), for the variants that keep it out of the whitening. */
    'whitening-tail': { type: 'string', default: '64' },
    /** Which variants: placement (WHITENING_VARIANTS), blend, fine, or all (comma-separated). */
    'whitening-sweep': { type: 'string', default: 'all' },
  },
});
const images = resolve(args.images);
const cache = resolve(args.cache);

/** Catalog view sets: the stored vector is the unit mean of these views' embeddings. */
const CORNERS: ViewName[] = ['top-left-75', 'top-right-75', 'bottom-left-75', 'bottom-right-75'];
const VIEW_SETS: Record<string, ViewName[]> = {
  'full photo, embedded again as a view (check)': ['full'],
  'full + centre 80%': ['full', 'centre-80'],
  'full + 4 corner crops 75%': ['full', ...CORNERS],
  'full + centre 80% + 4 corners': ['full', 'centre-80', ...CORNERS],
  'full + softened (40% and back)': ['full', 'soft-40'],
  'full + centre + 4 corners + softened': ['full', 'centre-80', ...CORNERS, 'soft-40'],
};

/** Weights of the colour histogram beside the model's embedding (its unit vector). */
const COLOUR_WEIGHTS = [0.25, 0.5, 0.75, 1];

const photos = loadLabelledPhotos({
  images,
  meta: resolve(args.meta ?? resolve(images, '../images.csv')),
});
const split = trainingSplit(photos, DEFAULT_SPLIT);
const camera = instanceSet(
  split.valCatalog,
  DEFAULT_HEAD_RECIPE.instanceQueries,
  deriveSeed(DEFAULT_SPLIT.seed, 'validation'),
);
// A catalog sample keeps the machine's time in bounds (every view is a model run per photo):
// every camera query's original, and a seeded share of the other photos as distractors.
const sample = Number(args['catalog-sample']);
const isOriginal = new Set(camera.originals);
const others = shuffle(
  split.valCatalog.map((_, i) => i).filter((i) => !isOriginal.has(i)),
  seededRandom(deriveSeed(DEFAULT_SPLIT.seed, 'descriptor-sample')),
);
const rows = [...camera.originals, ...others.slice(0, Math.max(0, sample - isOriginal.size))].sort(
  (a, b) => a - b,
);
const valCatalog = rows.map((i) => split.valCatalog[i]);
const rowOf = new Map(rows.map((r, i) => [r, i]));
const originals = camera.originals.map((o) => rowOf.get(o)!);
const options = { cache: resolve(cache, 'eval'), catalogCache: cache };
const fromFile = (path: string) => ({ load: async () => new Uint8Array(await readFile(path)) });
/** Query, camera and (full-photo) catalog rows of one embedder. */
async function embedSides(embedder: Embedder) {
  const embed = (photos: { load(): Promise<Uint8Array> }[], label: string) =>
    embedPhotos(embedder, photos, { ...options, label }).then((r) => r.vectors);
  try {
    return {
      queries: await embed(
        split.valQueries.map((p) => fromFile(p.path)),
        'validation queries',
      ),
      camera: await embed(camera.queries, 'validation camera queries'),
      catalog: await embed(
        valCatalog.map((p) => fromFile(p.path)),
        'validation catalog',
      ),
    };
  } finally {
    await embedder.dispose();
  }
}
const embedded = await embedSides(await modelEmbedder(args.model));
const colour = await embedSides(colourHistogramEmbedder());

const model = await loadNodeModel(args.model);
const dim = model.dim;
const allViews = args['no-views']
  ? ([] as ViewName[])
  : [...new Set(Object.values(VIEW_SETS).flat())];
const started = performance.now();
const perView = await viewEmbeddings(
  model,
  valCatalog.map((p) => p.path),
  allViews,
  resolve(cache, 'views'),
);
console.error(`validate: views ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
// Whitening: training pairs, and the catalog's build views (the full photo is embedded above).
let whitening: { pairs: DescriptorPairs; views: Float32Array[] } | undefined;
if (args.whitening) {
  const seeds = args['whitening-seeds'].split(',').map(Number);
  const pairs = await pairDescriptors(
    model,
    pairPhotos(split, DEFAULT_HEAD_RECIPE.instanceQueries),
    seeds,
    resolve(cache, 'whitening'),
  );
  const others = CATALOG_VIEWS.filter((v) => v !== 'full');
  const more = await viewEmbeddings(
    model,
    valCatalog.map((p) => p.path),
    others,
    resolve(cache, 'views'),
  );
  const views = CATALOG_VIEWS.map((v) =>
    v === 'full' ? embedded.catalog : more[others.indexOf(v)],
  );
  whitening = { pairs, views };
}
await model.dispose();

const labels = {
  catalog: valCatalog.map((p) => p.label),
  queries: split.valQueries.map((p) => p.label),
};
const colours = {
  catalog: await photoColours(
    valCatalog.map((p) => p.path),
    options.cache,
  ),
  queries: await photoColours(
    split.valQueries.map((p) => p.path),
    options.cache,
  ),
};

/** Rows of `a` (dim a) and `b` (dim b) side by side, b weighted by w, renormalised. */
function joined(a: Float32Array, da: number, b: Float32Array, db: number, w: number): Float32Array {
  const n = a.length / da;
  const out = new Float32Array(n * (da + db));
  for (let r = 0; r < n; r++) {
    out.set(a.subarray(r * da, (r + 1) * da), r * (da + db));
    for (let j = 0; j < db; j++) out[r * (da + db) + da + j] = w * b[r * db + j];
  }
  return meanOfViews([out], n, da + db);
}

const results: [string, number, CandidateScores][] = [];
const score = (name: string, runs: number, catalog: Float32Array, w: number) => {
  const D = COLOUR_HISTOGRAM_DIM;
  const side = (vectors: Float32Array, colourRows: Float32Array) =>
    w ? joined(vectors, dim, colourRows, D, w) : vectors;
  results.push([
    name,
    runs,
    scoreCandidate(
      { vectors: side(catalog, colour.catalog), labels: labels.catalog, colours: colours.catalog },
      {
        vectors: side(embedded.queries, colour.queries),
        labels: labels.queries,
        colours: colours.queries,
      },
      { vectors: side(embedded.camera, colour.camera), originals: originals },
      w ? dim + D : dim,
    ),
  ]);
};
const meanOf = (views: ViewName[]) =>
  meanOfViews(
    views.map((v) => perView[allViews.indexOf(v)]),
    valCatalog.length,
    dim,
  );
score('full photo (today)', 1, embedded.catalog, 0);
for (const [name, views] of Object.entries(VIEW_SETS)) {
  if (views.every((v) => allViews.includes(v))) score(name, views.length, meanOf(views), 0);
}
for (const w of COLOUR_WEIGHTS) {
  score(`full photo + colour histogram x${w}`, 1, embedded.catalog, w);
  if (allViews.length > 1)
    score(
      `full + centre 80% + 4 corners + colour histogram x${w}`,
      6,
      meanOf(VIEW_SETS['full + centre 80% + 4 corners']),
      w,
    );
}

/** Rows [rest, tail] with the tail (built at weight 1) weighted by w instead, renormalised. */
function reweighted(vectors: Float32Array, tail: number, w: number): Float32Array {
  const out = vectors.slice();
  for (let r = 0; r < out.length / dim; r++) {
    for (let j = dim - tail; j < dim; j++) out[r * dim + j] *= w;
  }
  return meanOfViews([out], out.length / dim, dim);
}
const tail = Number(args['colour-tail']);
if (tail) {
  for (const w of args['tail-weights'].split(',').map(Number)) {
    results.push([
      `in-graph colour term x${w}`,
      1,
      scoreCandidate(
        {
          vectors: reweighted(embedded.catalog, tail, w),
          labels: labels.catalog,
          colours: colours.catalog,
        },
        {
          vectors: reweighted(embedded.queries, tail, w),
          labels: labels.queries,
          colours: colours.queries,
        },
        { vectors: reweighted(embedded.camera, tail, w), originals },
        dim,
      ),
    ]);
  }
}

if (whitening) {
  const tail = Number(args['whitening-tail']);
  const sweeps = args['whitening-sweep'].split(',');
  const SWEEPS = {
    placement: WHITENING_VARIANTS,
    blend: WHITENING_BLENDS,
    fine: WHITENING_FINE,
    wide: WHITENING_WIDE,
  };
  const variants = Object.entries(SWEEPS)
    .filter(([name]) => sweeps.includes(name) || sweeps.includes('all'))
    .flatMap(([, list]) => list)
    .map((v) => ({ ...v, tail: v.tail && tail }));
  const sides = {
    catalogViews: whitening.views,
    queries: embedded.queries,
    camera: embedded.camera,
    catalog: { labels: labels.catalog, colours: colours.catalog },
    queryMeta: { labels: labels.queries, colours: colours.queries },
    originals,
    dim,
  };
  const pairCount = whitening.pairs.anchors.length / dim;
  console.error(`validate: ${pairCount} training pairs; catalog views ${CATALOG_VIEWS.join('+')}`);
  for (const [name, s] of scoreWhiteningVariants(whitening.pairs, sides, variants, console.error)) {
    results.push([`${name} (views ${CATALOG_VIEWS.join('+')})`, CATALOG_VIEWS.length, s]);
  }
}

const f3 = (x: number) => x.toFixed(3);
console.log(
  `Validation (${args.model}): ${split.valQueries.length} queries over ${valCatalog.length} photos; ${originals.length} camera queries.\n`,
);
console.log(
  '| catalog vector | model runs per catalog photo | val P@5 | val mAP@10 | val looks-alike P@5 | val instance R@1 | val instance R@5 |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, runs, s] of results) {
  console.log(
    `| ${name} | ${runs} | ${f3(s.pAt5)} | ${f3(s.mapAt10)} | ${f3(s.looksAlikePAt5)} | ${f3(s.instanceR1)} | ${f3(s.instanceR5)} |`,
  );
}
