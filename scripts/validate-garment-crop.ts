/**
 * `npx tsx scripts/validate-garment-crop.ts [--layer out_relu] [--side 7] [--margin 0.3]`: scores
 * a garment-first crop (scripts/lib/garment-box.ts) on the validation split only: the default
 * model's embedding of the whole photo and of the square around its garment box, on the catalog
 * side (averaged with the build's views) and on the query side (the crop alone, or averaged with
 * the photo: a second model run per query). Queries: the validation photographers' photos (P@5,
 * mAP@10) and two camera-shot families of validation-catalog photos from the training-side
 * generators (instance R@1 and R@5). Exact float search of the whole vector, no re-ranking.
 * Never touches the evaluation queries or the evaluation-only shots. Markdown table on stdout.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CATALOG_VIEWS, makeView, meanOfViews } from './lib/catalog-views.ts';
import { demoDataset, parseCli, repoRoot } from './lib/cli.ts';
import { decodeImageNode } from './lib/decode-node.ts';
import { EmbeddingCache } from './lib/embedding-cache.ts';
import { garmentBox, saliencyExtractor, squareAround } from './lib/garment-box.ts';
import { loadNodeModel, onnxNodeModel } from './lib/node-model.ts';
import type { PhotoSource } from './lib/photo-source.ts';
import { ProgressBar } from './lib/progress.ts';
import { validationShots } from './lib/validation-shots.ts';
import { scoreCandidate } from './train/float-scores.ts';
import { DEFAULT_HEAD_RECIPE } from './train/recipe.ts';

const args = parseCli('validate-garment-crop', {
  layer: { type: 'string', default: 'out_relu' },
  /** The layer's map side at the 224 px input (7 for out_relu, 14 for block_12_add). */
  side: { type: 'string', default: '7' },
  margin: { type: 'string', default: '0.3' },
  images: { type: 'string', default: demoDataset.images },
  cache: { type: 'string', default: resolve(repoRoot, '.cache') },
});
const side = Number(args.side);
const margin = Number(args.margin);
const { split, camera, broadShots } = validationShots(
  resolve(args.images),
  DEFAULT_HEAD_RECIPE.instanceQueries,
);
const fromFile = (path: string): PhotoSource => ({
  load: async () => new Uint8Array(await readFile(path)),
});

const built = saliencyExtractor(args.layer, side);
const saliency = await onnxNodeModel(built.spec, built.onnx);
const model = await loadNodeModel('mobilenet-v2-fashion');
const dim = model.dim;
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const areas: number[] = [];

/** Per photo: the build's views' mean (`views`), or the whole photo, and its garment square. */
async function embedSide(sources: PhotoSource[], label: string, catalog: boolean) {
  const key = `${label}-${model.spec.sha256.slice(0, 16)}-${args.layer}-${margin}`;
  const cache = new EmbeddingCache(resolve(args.cache, 'garment', `${key}.bin`), 2 * dim);
  const plain = new Float32Array(sources.length * dim);
  const garment = new Float32Array(sources.length * dim);
  const bar = new ProgressBar(`${label} (photo and garment square)`, sources.length);
  for (let at = 0; at < sources.length; at += 16) {
    const bytes = await Promise.all(sources.slice(at, at + 16).map((s) => s.load()));
    const hashes = bytes.map((b) => sha256(b));
    const todo = hashes.flatMap((h, i) => (cache.get(h) ? [] : [i]));
    if (todo.length) {
      const decoded = await Promise.all(todo.map((i) => decodeImageNode(bytes[i])));
      const maps = await saliency.embedImages(decoded);
      const squares = decoded.map((image, k) => {
        const box = garmentBox(maps.subarray(k * side * side, (k + 1) * side * side), side);
        areas.push(box[2] * box[3]);
        return squareAround(image, box, margin);
      });
      const views = catalog ? CATALOG_VIEWS : (['full'] as const);
      const viewed = await Promise.all(
        decoded.flatMap((image) => views.map((v) => makeView(image, v))),
      );
      const rows = await model.embedImages([...viewed, ...squares]);
      todo.forEach((i, k) => {
        const perView = views.map((_, v) => {
          const row = (k * views.length + v) * dim;
          return rows.slice(row, row + dim);
        });
        const both = new Float32Array(2 * dim);
        both.set(meanOfViews(perView, 1, dim));
        const square = (todo.length * views.length + k) * dim;
        both.set(rows.subarray(square, square + dim), dim);
        cache.set(hashes[i], both);
      });
    }
    hashes.forEach((h, i) => {
      const row = cache.get(h)!;
      plain.set(row.subarray(0, dim), (at + i) * dim);
      garment.set(row.subarray(dim), (at + i) * dim);
    });
    bar.tick(bytes.length);
  }
  bar.finish();
  cache.save();
  return { plain, garment };
}

const catalog = await embedSide(
  split.valCatalog.map((p) => fromFile(p.path)),
  'validation catalog',
  true,
);
const queries = await embedSide(
  split.valQueries.map((p) => fromFile(p.path)),
  'validation queries',
  false,
);
const cameraRows = await embedSide(camera.queries, 'validation camera shots', false);
const broadRows = await embedSide(broadShots, 'validation broad shots', false);
await saliency.dispose();
await model.dispose();

type Side = { plain: Float32Array; garment: Float32Array };
const mean = (...sets: Float32Array[]) => meanOfViews(sets, sets[0].length / dim, dim);
const catalogs: [string, (s: Side) => Float32Array][] = [
  [`${CATALOG_VIEWS.join(' + ')} (today)`, (s) => s.plain],
  // Today's unit vector twice beside the square's: the build's views keep two thirds of the weight.
  [`today's x2 + garment square`, (s) => mean(s.plain, s.plain, s.garment)],
  ['garment square alone', (s) => s.garment],
];
const querySides: [string, (s: Side) => Float32Array][] = [
  ['photo (today)', (s) => s.plain],
  ['garment square', (s) => s.garment],
  ['photo + garment square (2 runs)', (s) => mean(s.plain, s.garment)],
];
const labels = split.valCatalog.map((p) => p.label);
const queryLabels = split.valQueries.map((p) => p.label);
// Colours are not scored here: the looks-alike column is left out.
const none = (n: number) => Array.from({ length: n }, () => '');
const f3 = (x: number) => x.toFixed(3);
const sorted = areas.sort((a, b) => a - b);
const at = (q: number) => f3(sorted[Math.floor(q * (sorted.length - 1))] ?? NaN);
console.log(
  `Validation: ${queryLabels.length} queries over ${labels.length} photos; ${camera.originals.length} camera and broad shots. ` +
    `Garment box from ${args.layer} (${side} x ${side}), margin ${margin}; box area p10 / p50 / p90 ${sorted.length ? `${at(0.1)} / ${at(0.5)} / ${at(0.9)} (of the photos embedded this run)` : 'not known (every photo came from the cache)'}.\n`,
);
console.log(
  '| catalog vector | query vector | val P@5 | val mAP@10 | camera R@1 | camera R@5 | broad R@1 | broad R@5 |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [catalogName, catalogOf] of catalogs) {
  const side = { vectors: catalogOf(catalog), labels, colours: none(labels.length) };
  for (const [queryName, queryOf] of querySides) {
    const q = { vectors: queryOf(queries), labels: queryLabels, colours: none(queryLabels.length) };
    const shots = (rows: Side) =>
      scoreCandidate(side, q, { vectors: queryOf(rows), originals: camera.originals }, dim);
    const c = shots(cameraRows);
    const b = shots(broadRows);
    console.log(
      `| ${catalogName} | ${queryName} | ${f3(c.pAt5)} | ${f3(c.mapAt10)} | ${f3(c.instanceR1)} | ${f3(c.instanceR5)} | ${f3(b.instanceR1)} | ${f3(b.instanceR5)} |`,
    );
  }
}
