/**
 * `npx tsx scripts/validate-rerank.ts [--model ID] [--temperatures 0.02,0.05,0.2,1]
 * [--weights 0.03,0.05,0.1] [--instance-depths 5,10,20,50 --margins 0,0.02,0.05 --pools 0,5]`: scores
 * settings of the soft category-aware re-ranking (src/shared/search/label-rerank.ts) and, for a
 * model that declares an instance part, of the instance-first top result
 * (src/shared/search/instance-first.ts, over today's re-ranking) on the validation split only: the validation
 * photographers' queries over the whole validation catalog (each photo stored as the mean of the
 * build's views), and camera queries of validation-catalog photos from the training-side
 * generator. Never touches the evaluation queries or the evaluation-only shots. Exact float
 * search of the top 100, then the app's re-ranker; the instance part of each catalog photo is read
 * from its int8 row (centred, dequantised), as the index holds it. Markdown table on stdout.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { InstanceFirstOptions } from '../src/shared/search/instance-first.ts';
import { LABEL_RERANK, type LabelRerankOptions } from '../src/shared/search/label-rerank.ts';
import { embedPhotos } from './eval/embed-photos.ts';
import { embeddersFor } from './eval/embedders.ts';
import { sideColours } from './eval/photo-colours.ts';
import { CATALOG_VIEWS } from './lib/catalog-views.ts';
import { demoDataset, parseCli, repoRoot } from './lib/cli.ts';
import { loadLabelledPhotos } from './lib/dataset.ts';
import { instanceSet } from './lib/instance-queries.ts';
import { deriveSeed } from './lib/seeded-random.ts';
import { DEFAULT_SPLIT } from './lib/split.ts';
import { trainingSplit } from './lib/training-split.ts';
import { DEFAULT_HEAD_RECIPE } from './train/recipe.ts';
import { averageNeighbours, type NeighbourAverage } from './train/neighbour-average.ts';
import { rerankScorer } from './train/rerank-scores.ts';
import { INSTANCE_FIRST } from '../src/shared/search/instance-first.ts';

const args = parseCli('validate-rerank', {
  model: { type: 'string', default: 'mobilenet-v2-fashion' },
  images: { type: 'string', default: demoDataset.images },
  cache: { type: 'string', default: resolve(repoRoot, '.cache') },
  temperatures: { type: 'string', default: '0.02,0.05,0.2,1' },
  weights: { type: 'string', default: '0.03,0.05,0.1' },
  'instance-depths': { type: 'string', default: '' },
  margins: { type: 'string', default: '0' },
  pools: { type: 'string', default: '0' },
  /** Neighbour averaging of the label part, `k:alpha` pairs (0:0 = none), each with today's
   * re-ranking and instance-first: DBA on the catalog, αQE on the queries, or both. */
  dba: { type: 'string', default: '' },
  qe: { type: 'string', default: '' },
  'qe-keeps-first': { type: 'boolean', default: false },
  digits: { type: 'string', default: '3' },
});
const list = (text: string) => text.split(',').map(Number);
const images = resolve(args.images);
const cache = resolve(args.cache);

const photos = loadLabelledPhotos({ images, meta: resolve(images, '../images.csv') });
const split = trainingSplit(photos, DEFAULT_SPLIT);
const camera = instanceSet(
  split.valCatalog,
  DEFAULT_HEAD_RECIPE.instanceQueries,
  deriveSeed(DEFAULT_SPLIT.seed, 'validation'),
);
const options = { cache: resolve(cache, 'eval'), catalogCache: cache };
const fromFile = (path: string) => ({ load: async () => new Uint8Array(await readFile(path)) });
const pair = await embeddersFor(args.model, CATALOG_VIEWS);
const dim = pair.query.dim;
const part = pair.query.instance;
const embed = async (
  side: 'query' | 'catalog',
  sources: { load(): Promise<Uint8Array> }[],
  label: string,
) => (await embedPhotos(pair[side], sources, { ...options, label })).vectors;
const queries = await embed(
  'query',
  split.valQueries.map((p) => fromFile(p.path)),
  'validation queries',
);
const cameraQueries = await embed('query', camera.queries, 'validation camera queries');
const catalog = await embed(
  'catalog',
  split.valCatalog.map((p) => fromFile(p.path)),
  'validation catalog',
);
await pair.dispose();

const colours = await sideColours(split.valCatalog, split.valQueries, options.cache);
const sides = (
  rows: Float32Array,
  asked: Float32Array,
  cameraAsked: Float32Array,
  expanded?: { queries: Float32Array; camera: Float32Array },
) =>
  rerankScorer({
    expanded,
    dim,
    part,
    catalog: rows,
    labels: split.valCatalog.map((p) => p.label),
    colours: colours.catalog,
    queries: asked,
    queryLabels: split.valQueries.map((p) => p.label),
    queryColours: colours.queries,
    camera: cameraAsked,
    originals: camera.originals,
  });
const scorer = sides(catalog, queries, cameraQueries);
const score = (settings: LabelRerankOptions | null, instance: InstanceFirstOptions | null = null) =>
  scorer(settings, instance).map((x) => x.toFixed(Number(args.digits)));

console.log(
  `Validation split: ${split.valQueries.length} queries, ${camera.queries.length} camera queries, ${split.valCatalog.length} catalog photos (${args.model}, views ${CATALOG_VIEWS.join('+')}).\n`,
);
console.log(
  '| re-ranking | val P@5 | looks-alike P@5 | mAP@10 | MRR | instance R@1 | instance R@5 | P@1 |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(`| none | ${score(null).join(' | ')} |`);
for (const temperature of list(args.temperatures)) {
  for (const weight of list(args.weights)) {
    const settings = { ...LABEL_RERANK, temperature, weight };
    const chosen = temperature === LABEL_RERANK.temperature && weight === LABEL_RERANK.weight;
    const name = `T ${temperature}, weight ${weight}${chosen ? ' (chosen)' : ''}`;
    console.log(`| ${name} | ${score(settings).join(' | ')} |`);
  }
}
if (args['instance-depths'] && !part) throw new Error(`${args.model} declares no instance part`);
for (const depth of args['instance-depths'] ? list(args['instance-depths']) : []) {
  for (const margin of list(args.margins)) {
    for (const pool of list(args.pools)) {
      const name = `instance-first, top ${depth}, margin ${margin}, pool ${pool}`;
      console.log(`| ${name} | ${score(LABEL_RERANK, { depth, margin, pool }).join(' | ')} |`);
    }
  }
}

const pairs = (text: string): NeighbourAverage[] =>
  text
    ? text.split(',').map((pair) => {
        const [k, alpha] = pair.split(':').map(Number);
        return { k, alpha };
      })
    : [];
if ((args.dba || args.qe) && !part) throw new Error(`${args.model} declares no instance part`);
for (const dba of args.dba || args.qe ? pairs(args.dba || '0:0') : []) {
  // The label part is everything before the instance part.
  const labelDims = part!.offset;
  const rows = averageNeighbours(catalog, catalog, dim, labelDims, dba, true);
  for (const qe of pairs(args.qe || '0:0')) {
    const expand = (asked: Float32Array) =>
      averageNeighbours(asked, rows, dim, labelDims, qe, false);
    const expanded = { queries: expand(queries), camera: expand(cameraQueries) };
    const scores = (
      args['qe-keeps-first']
        ? sides(rows, queries, cameraQueries, expanded)
        : sides(rows, expanded.queries, expanded.camera)
    )(LABEL_RERANK, INSTANCE_FIRST);
    const first = args['qe-keeps-first'] ? ' (first result unexpanded)' : '';
    const name = `DBA k ${dba.k} α ${dba.alpha}, αQE k ${qe.k} α ${qe.alpha}${first}, instance-first`;
    console.log(`| ${name} | ${scores.map((x) => x.toFixed(Number(args.digits))).join(' | ')} |`);
  }
}
