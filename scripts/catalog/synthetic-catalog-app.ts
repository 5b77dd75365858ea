/**
 * A copy of the built app whose catalog is a large synthetic one (the startup bench's 100k case),
 * written by the real build's stages: random unit vectors for each demo model, quantised and sharded by the quantise stage,
 * then shards, thumbnail packs, picture digests, item table and manifest by the write stage. The
 * demo items' pictures, colours and fields repeat, so the packs hold real WebP thumbnails and
 * weigh what a catalog of that size would (100k items: about 600 MB of pictures).
 */
import { mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CatalogManifest, ItemTable } from '../../src/shared/catalog/manifest.ts';
import { normalizeVectors } from '../../src/shared/catalog/quantise.ts';
import { seededRandom } from '../../src/shared/search/seeded-random.ts';
import { failWith, parseCli } from '../lib/cli.ts';
import type { NodeModel } from '../lib/node-model.ts';
import type { CatalogPhoto } from './photo-caches.ts';
import { quantiseModel } from './stages/quantise.ts';
import { writeCatalog, type Written } from './stages/write.ts';

/** What `npm run catalog` writes by default: 4 MiB shards, 2 MiB thumbnail packs. */
const SHARD_BYTES = 4 * 1024 * 1024;
const PACK_BYTES = 2 * 1024 * 1024;

export interface LargeCatalogApp {
  outDir: string;
  count: number;
  /**
   * Each model's id, dimension and shard bytes as sent (gzip copies where they exist), in
   * manifest order (the first is the default).
   */
  models: { id: string; dim: number; shardBytes: number }[];
  written: Written;
}

/** `count` × `dim` Gaussian vectors scaled to unit length: directions spread over the sphere. */
function randomUnitVectors(count: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < out.length; i += 2) {
    // Box-Muller: two normal deviates from two uniforms.
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const theta = 2 * Math.PI * random();
    out[i] = r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(theta);
  }
  return normalizeVectors(out, dim);
}

/** The demo catalog's manifest, item table and each item's thumbnail bytes (views, no copies). */
function demoCatalog(builtDir: string) {
  const folder = join(builtDir, 'catalog');
  const manifest = JSON.parse(
    readFileSync(join(folder, 'manifest.json'), 'utf8'),
  ) as CatalogManifest;
  const items = JSON.parse(readFileSync(join(folder, manifest.items.file), 'utf8')) as ItemTable;
  const packs = manifest.thumbs.packs.map((pack) => readFileSync(join(folder, pack.file)));
  const thumbs = items.thumbs.map(([pack, at, bytes]) => packs[pack].subarray(at, at + bytes));
  return { manifest, items, thumbs };
}

/** Models that only carry a spec and a dimension: the quantise stage reads nothing else. */
function specOnly(model: CatalogManifest['models'][number]): NodeModel {
  const unused = () => Promise.reject(new Error('a synthetic catalog embeds nothing'));
  return { spec: model.spec, dim: model.dim, embedImages: unused, dispose: async () => {} };
}

/** Writes the app copy into `outDir` (every built file but the catalog is a symlink). */
export async function writeLargeCatalogApp(
  builtDir: string,
  outDir: string,
  count: number,
): Promise<LargeCatalogApp> {
  mkdirSync(outDir, { recursive: true });
  for (const entry of readdirSync(builtDir)) {
    if (entry !== 'catalog') symlinkSync(join(builtDir, entry), join(outDir, entry));
  }
  const demo = demoCatalog(builtDir);
  const n = demo.items.ids.length;
  const vectors = demo.manifest.models.map((m, i) => randomUnitVectors(count, m.dim, 101 + i));
  const photos: CatalogPhoto[] = Array.from({ length: count }, (_, i) => ({
    file: { id: `synthetic-${String(i).padStart(6, '0')}`, path: '' },
    hash: '',
    colour: demo.items.fields.colour[i % n],
    thumb: demo.thumbs[i % n],
    vectors: new Map(
      demo.manifest.models.map((m, k) => [
        m.spec.id,
        vectors[k].subarray(i * m.dim, (i + 1) * m.dim),
      ]),
    ),
  }));
  const fieldNames = Object.keys(demo.items.fields).filter((name) => name !== 'colour');
  const meta = new Map(
    photos.map((photo, i) => [
      photo.file.id,
      Object.fromEntries(fieldNames.map((name) => [name, demo.items.fields[name][i % n]])),
    ]),
  );
  const quantised = [];
  for (const model of demo.manifest.models) {
    quantised.push(await quantiseModel(specOnly(model), photos, SHARD_BYTES));
  }
  const catalogDir = join(outDir, 'catalog');
  const written = writeCatalog(catalogDir, quantised, photos, meta, PACK_BYTES);
  // What a visit transfers: each shard's gzip copy where compression paid.
  const manifest = JSON.parse(
    readFileSync(join(catalogDir, 'manifest.json'), 'utf8'),
  ) as CatalogManifest;
  const models = manifest.models.map((m) => ({
    id: m.spec.id,
    dim: m.dim,
    shardBytes: m.shards.reduce((sum, shard) => sum + (shard.gzipBytes ?? shard.bytes), 0),
  }));
  return { outDir, count, models, written };
}

// Command line (the bench runs it as a child, so pipelines stay apart): prints the result as JSON.
// npx tsx scripts/catalog/synthetic-catalog-app.ts --built dist --out /tmp/app --count 100000
if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  // Annotated, so TypeScript sees that a call never returns.
  const fail: (message: string) => never = failWith('synthetic-catalog-app');
  const values = parseCli('synthetic-catalog-app', {
    built: { type: 'string' },
    out: { type: 'string' },
    count: { type: 'string' },
  });
  if (!values.built || !values.out || !values.count) {
    fail('needs --built DIR --out DIR --count N');
  }
  const app = await writeLargeCatalogApp(values.built, values.out, Number(values.count));
  console.log(JSON.stringify(app));
}
