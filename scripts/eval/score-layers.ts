/**
 * `npx tsx scripts/eval/score-layers.ts [--write]`: which MobileNetV2 layer(s), and whether to
 * average each photo with its mirror image, make the best raw embedding, scored on the eval's
 * photographer-disjoint split through the app's int8 index. Embeddings are built from cached
 * pooled features with the converter's math (per-layer L2, concatenate, L2). --write puts the
 * table in docs/eval/layers.md.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeRankings } from '../../src/shared/metrics/summary.ts';
import { MAX_K } from '../../src/shared/search/flat-index.ts';
import { backboneFeatures, FEATURE_LAYERS, selectFeatures } from '../lib/backbone-features.ts';
import { loadLabelledPhotos } from '../lib/dataset.ts';
import { buildSearchIndex } from './search-index.ts';
import { DEFAULT_SPLIT, splitPhotos } from '../lib/split.ts';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared/datasets/clothing');
const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: resolve(shared, 'images') },
    meta: { type: 'string', default: resolve(shared, 'images.csv') },
    write: { type: 'boolean', default: false },
  },
});

const CANDIDATES: string[][] = [
  ...FEATURE_LAYERS.map((layer) => [layer]),
  ['block_10_project_BN', 'block_12_add'],
  ['block_12_add', 'block_13_expand_relu'],
  ['block_12_add', 'block_15_add'],
  ['block_9_add', 'block_12_add', 'block_15_add'],
  ['block_10_project_BN', 'block_12_add', 'block_16_project_BN', 'out_relu'],
];

/** The converter's embedding: each layer's pooled slice L2-normalised, concatenated, normalised. */
function converterEmbedding(features: Float32Array, widths: number[]): Float32Array {
  const dim = widths.reduce((a, b) => a + b, 0);
  const out = features.slice();
  for (let r = 0; r < out.length / dim; r++) {
    let at = r * dim;
    for (const width of widths) {
      let sum = 0;
      for (let j = at; j < at + width; j++) sum += out[j] * out[j];
      const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
      for (let j = at; j < at + width; j++) out[j] *= inv;
      at += width;
    }
  }
  return out; // the index normalises each row again when it quantises
}

const photos = loadLabelledPhotos({ images: resolve(args.images), meta: resolve(args.meta) });
const split = splitPhotos(photos, DEFAULT_SPLIT);
const used = [...split.catalog, ...split.queries];
const table = await backboneFeatures(
  used.map((p) => p.path),
  { cache: resolve(root, '.cache/train'), log: (line) => console.error(line) },
);
const labels = split.catalog.map((p) => p.label);
const counts = new Map<string, number>();
for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);

const rows: string[] = [];
for (const layers of CANDIDATES) {
  for (const views of ['plain', 'average'] as const) {
    const { features, dim } = selectFeatures(table, layers, views);
    const widths = layers.map((l) => table.layerDims[table.layers.indexOf(l)]);
    const vectors = converterEmbedding(features, widths);
    const catalog = vectors.subarray(0, split.catalog.length * dim);
    const index = await buildSearchIndex(catalog, dim, { id: 'probe', hash: layers.join('+') });
    const rankings = split.queries.map((query, q) => {
      const at = (split.catalog.length + q) * dim;
      const { indices } = index.search(vectors.subarray(at, at + dim), MAX_K);
      return {
        label: query.label,
        ranked: Array.from(indices, (i) => labels[i] === query.label),
        totalRelevant: counts.get(query.label) ?? 0,
      };
    });
    const s = summarizeRankings(rankings);
    const row = `| ${layers.join(' + ')} | ${views === 'average' ? 'photo + mirror' : 'photo'} | ${dim} | ${s.p_at_1.toFixed(3)} | ${s.p_at_5.toFixed(3)} | ${s.map_at_10.toFixed(3)} | ${s.mrr.toFixed(3)} |`;
    rows.push(row);
    console.log(row);
  }
}

if (args.write) {
  const text = [
    '# Raw MobileNetV2 embeddings by layer',
    '',
    'Made by `npx tsx scripts/eval/score-layers.ts --write`: global average pooling of each layer',
    "(the converter's only pooling), per-layer L2 normalisation for fusions, optionally averaged with",
    "the mirrored photo; int8 shard + WASM index; the eval's photographer-disjoint split",
    `(seed ${DEFAULT_SPLIT.seed}: ${split.queries.length} queries, catalog of ${split.catalog.length}).`,
    '',
    '| layers | views | dim | P@1 | P@5 | mAP@10 | MRR |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(resolve(root, 'docs/eval/layers.md'), text);
}
