/**
 * Layer study for the default MobileNetV2 embedding: pooled features of many layers (and
 * fusions) scored by label retrieval on the clothing set with a photographer-disjoint split.
 * `npx tsx scripts/models/probe-layers.ts [--images DIR --meta CSV] [--write]`
 * (--write puts the table in docs/model-layers.md). Brute-force float32 cosine in JS.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ResizeMethod } from '../../src/shared/model/spec.ts';
import {
  averagePrecisionAtK,
  precisionAtK,
  rankedRelevance,
} from '../../src/shared/metrics/retrieval.ts';
import { loadLabelledPhotos, type LabelledPhoto } from '../eval/dataset.ts';
import { DEFAULT_SPLIT, splitPhotos } from '../eval/split.ts';
import { DEFAULT_MOBILENET_OPTIONS } from './mobilenet-model.ts';
import { loadNsfwjsMobilenet } from './nsfwjs-mobilenet.ts';
import { extractPooledFeatures, type PooledFeatures } from './pooled-features.ts';

const root = resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: resolve(root, '../shared/datasets/clothing/images') },
    meta: { type: 'string', default: resolve(root, '../shared/datasets/clothing/images.csv') },
    write: { type: 'boolean', default: false },
  },
});

const singles = [
  'block_2_add',
  'block_5_add',
  'block_6_project_BN',
  'block_8_add',
  'block_9_add',
  'block_10_project_BN',
  'block_11_add',
  'block_12_add',
  'block_13_expand_relu',
  'block_13_project_BN',
  'block_14_add',
  'block_15_add',
  'block_16_expand_relu',
  'block_16_project_BN',
  'out_relu',
];
const fusions = [
  ['block_9_add', 'block_12_add'],
  ['block_10_project_BN', 'block_12_add'],
  ['block_12_add', 'block_16_project_BN'],
  ['block_12_add', 'out_relu'],
  ['block_12_add', 'block_13_expand_relu'],
  ['block_9_add', 'block_12_add', 'block_13_expand_relu'],
  ['block_10_project_BN', 'block_12_add', 'block_16_project_BN', 'out_relu'],
];
const seeds = [DEFAULT_SPLIT.seed, 11, 23];

/** Rows of the chosen layers, each L2-normalised, concatenated, L2-normalised: as the graph does. */
function embed(features: PooledFeatures, layers: string[], rows: number[]): Float32Array[] {
  return rows.map((row) => {
    const parts = layers.map((layer) => {
      const { channels, values } = features.get(layer)!;
      const part = values.slice(row * channels, (row + 1) * channels);
      const norm = Math.hypot(...part) || 1;
      return part.map((v) => v / norm);
    });
    const joined = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
    const norm = Math.hypot(...joined) || 1;
    return joined.map((v) => v / norm);
  });
}

interface Score {
  p5: number;
  map10: number;
}

function score(features: PooledFeatures, layers: string[], photos: LabelledPhoto[], seed: number): Score {
  const index = new Map(photos.map((p, i) => [p, i]));
  const split = splitPhotos(photos, { ...DEFAULT_SPLIT, seed });
  const catalog = embed(features, layers, split.catalog.map((p) => index.get(p)!));
  const queries = embed(features, layers, split.queries.map((p) => index.get(p)!));
  const labelCount = new Map<string, number>();
  for (const p of split.catalog) labelCount.set(p.label, (labelCount.get(p.label) ?? 0) + 1);
  const scores = new Float32Array(catalog.length);
  let p5 = 0;
  let map10 = 0;
  let counted = 0;
  split.queries.forEach((query, q) => {
    const total = labelCount.get(query.label) ?? 0;
    if (total === 0) return; // no same-label photo in the catalog: nothing to find
    const v = queries[q];
    for (let c = 0; c < catalog.length; c++) {
      const w = catalog[c];
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += v[i] * w[i];
      scores[c] = dot;
    }
    const ranked = rankedRelevance(scores, (c) => split.catalog[c].label === query.label, 10);
    p5 += precisionAtK(ranked, 5);
    map10 += averagePrecisionAtK(ranked, 10, total);
    counted++;
  });
  return { p5: p5 / counted, map10: map10 / counted };
}

const photos = loadLabelledPhotos({ images: args.images, meta: args.meta });
const keras = loadNsfwjsMobilenet();
const allLayers = [...new Set([...singles, ...fusions.flat()])];
const featuresBy = new Map<ResizeMethod, PooledFeatures>();
for (const resize of ['squash', 'center-crop'] as const) {
  featuresBy.set(resize, await extractPooledFeatures(keras, allLayers, photos.map((p) => p.path), resize));
}

const split = splitPhotos(photos, DEFAULT_SPLIT);
const lines = [
  '| layers | dim | resize | P@5 | mAP@10 | P@5 (seeds 11, 23) | mAP@10 (seeds 11, 23) |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
];
const dimOf = (layers: string[]) =>
  layers.reduce((n, l) => n + featuresBy.get('squash')!.get(l)!.channels, 0);
for (const layers of [...singles.map((l) => [l]), ...fusions]) {
  for (const resize of ['squash', 'center-crop'] as const) {
    const [main, ...others] = seeds.map((seed) => score(featuresBy.get(resize)!, layers, photos, seed));
    const line =
      `| ${layers.join(' + ')} | ${dimOf(layers)} | ${resize} | ${main.p5.toFixed(3)} | ` +
      `${main.map10.toFixed(3)} | ${others.map((s) => s.p5.toFixed(3)).join(', ')} | ` +
      `${others.map((s) => s.map10.toFixed(3)).join(', ')} |`;
    console.log(line);
    lines.push(line);
  }
}

if (args.write) {
  const doc = `# Which MobileNetV2 layer makes the embedding

Written by \`npx tsx scripts/models/probe-layers.ts --write\` (a later eval tool supersedes it).

- Data: the shared clothing set, ${photos.length} photos. Photographer-disjoint split
  (\`scripts/eval/split.ts\`, seed ${DEFAULT_SPLIT.seed}, about 20% of photos by whole
  photographers): ${split.queries.length} queries (labels \`Not sure\`, \`Other\`, \`Skip\`
  skipped), ${split.catalog.length} catalog photos. The last two columns repeat the study with
  split seeds 11 and 23.
- Relevant = same \`label\`. P@5 and mAP@10 (AP denominator min(10, #relevant)) from
  \`src/shared/metrics/retrieval.ts\`; exact float32 cosine over the whole catalog.
- Embedding: the global-average-pooled layer output; a fusion L2-normalises each pooled layer,
  concatenates, and L2-normalises again (what the converter's \`--layers A,B\` builds).
- Input: 224x224, \`v / 255\`, the whole photo squashed (what nsfwjs does) or the centre square.

${lines.join('\n')}

Default: \`${DEFAULT_MOBILENET_OPTIONS.layers.join(',')}\`, ${DEFAULT_MOBILENET_OPTIONS.resize}
(\`scripts/models/mobilenet-model.ts\`).
`;
  writeFileSync(resolve(root, 'docs/model-layers.md'), doc);
  console.log('wrote docs/model-layers.md');
}
