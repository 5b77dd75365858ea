/** The catalog build: photos and metadata in; shards, thumbnails, item table and manifest out. */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { dominantColour } from '../../src/shared/catalog/colour.ts';
import {
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type CatalogManifest,
  type ItemTable,
  type ManifestModel,
} from '../../src/shared/catalog/manifest.ts';
import { meanVector, quantiseVectors } from '../../src/shared/catalog/quantise.ts';
import { encodeShard } from '../../src/shared/catalog/shard.ts';
import { CATALOG_VIEWS, viewMeanModel, viewsTag, type ViewName } from '../lib/catalog-views.ts';
import { ProgressBar } from '../lib/progress.ts';
import {
  decodeImageNode,
  loadNodeModel,
  type DecodedImage,
  type NodeModel,
} from '../lib/node-model.ts';
import { DerivedCache } from './derived-cache.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { readMetadata } from './metadata.ts';
import { recallAtKInt8VsFloat } from '../../src/shared/search/recall.ts';
import { scanImages, type ImageFile } from './scan-images.ts';
import { packThumbnails, removeStale, sha256, writeHashed } from './write-files.ts';

export interface BuildOptions {
  images: string;
  meta?: string;
  models: string[];
  out: string;
  /** Folder for the per-photo caches (embeddings, thumbnails, colours). */
  cache: string;
  shardBytes: number;
  thumbPackBytes?: number;
  /** Ignore the caches and embed every photo again. */
  force?: boolean;
  /** Photos decoded and embedded per batch. */
  batch?: number;
  /** Views of each photo whose mean embedding is stored (database-side augmentation). */
  views?: readonly ViewName[];
  log?: (line: string) => void;
}

export interface BuildReport {
  count: number;
  /** Photos run through each model in this build (cache misses). */
  embedded: Record<string, number>;
  skipped: { path: string; reason: string }[];
  duplicates: string[];
  seconds: number;
  /** Photos processed end to end (decode, thumbnail, embed) per second. */
  imagesPerSecond: number;
  recallAt10: Record<string, number>;
  bytes: { shards: number; float32Index: number; thumbs: number; items: number };
  version: string;
  /** True when the output already held this exact catalog, so nothing was written. */
  unchanged: boolean;
}

const THUMB_SIDE = 256;

interface Item {
  file: ImageFile;
  hash: string;
  colour?: string;
  thumb?: Buffer;
  vectors: Map<string, Float32Array>;
}

async function makeThumbnail(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes)
    .rotate()
    .resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 72, effort: 2 })
    .toBuffer();
}

export async function buildCatalog(options: BuildOptions): Promise<BuildReport> {
  const log = options.log ?? (() => {});
  const batchSize = options.batch ?? 16;
  if (!existsSync(options.images) || !statSync(options.images).isDirectory()) {
    throw new Error(
      `no photo folder at ${options.images}: pass --images DIR (a folder of JPEG, PNG or WebP photos)`,
    );
  }
  const started = performance.now();
  const { images, duplicates } = scanImages(options.images);
  const meta = options.meta
    ? readMetadata(options.meta)
    : new Map<string, Record<string, string>>();
  const models: NodeModel[] = [];
  const views = options.views ?? CATALOG_VIEWS;
  for (const id of options.models) models.push(viewMeanModel(await loadNodeModel(id), views));

  const derivedCache = new DerivedCache(join(options.cache, 'derived'));
  const embeddingCaches = new Map(
    models.map((m) => [
      m.spec.id,
      new EmbeddingCache(
        join(
          options.cache,
          'embeddings',
          `${m.spec.id}-${m.spec.sha256.slice(0, 16)}${viewsTag(views)}.bin`,
        ),
        m.dim,
      ),
    ]),
  );

  // Hash every photo: the caches are keyed by content, not by name or date.
  const items: Item[] = await Promise.all(
    images.map(async (file) => ({
      file,
      hash: sha256(await readFile(file.path)),
      vectors: new Map(),
    })),
  );
  const work: Item[] = [];
  for (const item of items) {
    let missing = false;
    const derived = options.force ? undefined : derivedCache.get(item.hash);
    if (derived) Object.assign(item, derived);
    else missing = true;
    for (const model of models) {
      const vector = options.force ? undefined : embeddingCaches.get(model.spec.id)!.get(item.hash);
      if (vector) item.vectors.set(model.spec.id, vector);
      else missing = true;
    }
    if (missing) work.push(item);
  }
  log(
    `catalog: ${items.length} photos in ${options.images}; ${work.length} to process, ${items.length - work.length} cached`,
  );

  const skipped: BuildReport['skipped'] = [];
  const embedded: Record<string, number> = Object.fromEntries(models.map((m) => [m.spec.id, 0]));
  const bar = new ProgressBar('embedding', work.length);
  const workStarted = performance.now();

  // Decode the next batch while the current one runs through the models.
  const decodeBatch = (batch: Item[]) =>
    Promise.all(
      batch.map(async (item): Promise<DecodedImage | null> => {
        try {
          const bytes = await readFile(item.file.path);
          const [image, thumb] = await Promise.all([
            decodeImageNode(bytes),
            item.thumb ? Promise.resolve(item.thumb) : makeThumbnail(bytes),
          ]);
          if (!item.colour) {
            item.colour = dominantColour(image.data, image.width, image.height);
            item.thumb = thumb;
            derivedCache.set(item.hash, { colour: item.colour, thumb });
          }
          return image;
        } catch (error) {
          skipped.push({ path: item.file.path, reason: (error as Error).message });
          return null;
        }
      }),
    );
  const batches: Item[][] = [];
  for (let i = 0; i < work.length; i += batchSize) batches.push(work.slice(i, i + batchSize));
  let next = batches.length ? decodeBatch(batches[0]) : null;
  for (let b = 0; b < batches.length; b++) {
    const decoded = await next!;
    next = b + 1 < batches.length ? decodeBatch(batches[b + 1]) : null;
    const ok = batches[b].map((item, i) => ({ item, image: decoded[i] })).filter((x) => x.image);
    for (const model of models) {
      const todo = ok.filter(({ item }) => !item.vectors.has(model.spec.id));
      if (!todo.length) continue;
      const vectors = await model.embedImages(todo.map(({ image }) => image!));
      todo.forEach(({ item }, i) => {
        const vector = vectors.subarray(i * model.dim, (i + 1) * model.dim);
        item.vectors.set(model.spec.id, vector);
        embeddingCaches.get(model.spec.id)!.set(item.hash, vector);
      });
      embedded[model.spec.id] += todo.length;
    }
    bar.tick(batches[b].length);
  }
  bar.finish();
  const workSeconds = (performance.now() - workStarted) / 1000;

  const kept = items.filter(
    (item) => item.thumb && models.every((m) => item.vectors.has(m.spec.id)),
  );
  const hashes = new Set(kept.map((item) => item.hash));
  for (const cache of embeddingCaches.values()) {
    cache.retain(hashes);
    cache.save();
  }
  derivedCache.save();

  mkdirSync(options.out, { recursive: true });
  const written = new Set<string>();
  const recallAt10: Record<string, number> = {};
  const manifestModels: ManifestModel[] = [];
  let shardBytes = 0;
  let floatBytes = 0;
  for (const model of models) {
    const dim = model.dim;
    const all = new Float32Array(kept.length * dim);
    kept.forEach((item, i) => all.set(item.vectors.get(model.spec.id)!, i * dim));
    // Residuals from the catalog mean lose less to int8 rounding (docs/shard-format.md).
    const center = kept.length ? meanVector(all, dim) : undefined;
    const { codes, scales } = quantiseVectors(all, dim, { center });
    recallAt10[model.spec.id] = await recallAtKInt8VsFloat(all, dim, {
      queries: 200,
      k: 10,
      seed: 1,
    });
    const perShard = Math.max(1, Math.floor(options.shardBytes / (dim + 4)));
    const shards: ManifestModel['shards'] = [];
    for (let start = 0; start < kept.length || (start === 0 && !shards.length); start += perShard) {
      const end = Math.min(kept.length, start + perShard);
      const bytes = encodeShard({
        modelId: model.spec.id,
        modelHash: model.spec.sha256,
        dim,
        start,
        codes: codes.subarray(start * dim, end * dim),
        scales: scales.subarray(start, end),
        center,
      });
      const ref = writeHashed(
        options.out,
        model.spec.id,
        `shard-${String(shards.length).padStart(3, '0')}`,
        '.bin',
        bytes,
      );
      shards.push({ ...ref, start, count: end - start });
      written.add(ref.file);
      shardBytes += ref.bytes;
      if (end >= kept.length) break;
    }
    floatBytes += kept.length * dim * 4;
    manifestModels.push({
      spec: model.spec,
      dim,
      quantisation: 'int8-symmetric-per-vector',
      shards,
    });
  }

  const { packs, refs } = packThumbnails(
    options.out,
    kept.map((item) => item.thumb!),
    options.thumbPackBytes ?? 2 * 1024 * 1024,
  );
  packs.forEach((p) => written.add(p.file));
  const fieldNames = [
    ...new Set(kept.flatMap((item) => Object.keys(meta.get(item.file.id) ?? {}))),
  ];
  const table: ItemTable = {
    ids: kept.map((item) => item.file.id),
    fields: Object.fromEntries([
      ...fieldNames.map((name) => [name, kept.map((item) => meta.get(item.file.id)?.[name] ?? '')]),
      ['colour', kept.map((item) => item.colour!)],
    ]),
    thumbs: refs,
  };
  const itemsRef = writeHashed(
    options.out,
    'items',
    'items',
    '.json',
    Buffer.from(JSON.stringify(table)),
  );
  written.add(itemsRef.file);

  // The version names the content, so an unchanged rebuild leaves the manifest untouched.
  const version = sha256(
    Buffer.from(
      JSON.stringify([
        manifestModels.map((m) => m.shards.map((s) => s.sha256)),
        itemsRef.sha256,
        packs.map((p) => p.sha256),
      ]),
    ),
  ).slice(0, 16);
  const manifestPath = join(options.out, 'manifest.json');
  let unchanged = false;
  if (existsSync(manifestPath)) {
    try {
      unchanged =
        (JSON.parse(readFileSync(manifestPath, 'utf8')) as CatalogManifest).version === version;
    } catch {
      unchanged = false;
    }
  }
  if (!unchanged) {
    const manifest: CatalogManifest = {
      format: MANIFEST_FORMAT,
      formatVersion: MANIFEST_FORMAT_VERSION,
      version,
      createdAt: new Date().toISOString(),
      count: kept.length,
      models: manifestModels,
      items: itemsRef,
      thumbs: { maxSide: THUMB_SIDE, packs },
    };
    writeFileSync(manifestPath + '.tmp', JSON.stringify(manifest, null, 1));
    renameSync(manifestPath + '.tmp', manifestPath);
  }
  const removed = removeStale(options.out, written);

  const seconds = (performance.now() - started) / 1000;
  const report: BuildReport = {
    count: kept.length,
    embedded,
    skipped,
    duplicates: duplicates.map((d) => d.path),
    seconds,
    imagesPerSecond: work.length ? work.length / workSeconds : 0,
    recallAt10,
    bytes: {
      shards: shardBytes,
      float32Index: floatBytes,
      thumbs: packs.reduce((sum, p) => sum + p.bytes, 0),
      items: itemsRef.bytes,
    },
    version,
    unchanged,
  };
  printSummary(report, options, removed, log);
  return report;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(2) + ' MB';
}

function printSummary(
  report: BuildReport,
  options: BuildOptions,
  removed: number,
  log: (line: string) => void,
) {
  const where = relative(process.cwd(), options.out) || '.';
  log(
    `catalog: ${report.count} items, version ${report.version}${report.unchanged ? ' (unchanged)' : ''} in ${where}`,
  );
  for (const [id, n] of Object.entries(report.embedded)) {
    log(`  ${id}: embedded ${n}, int8 recall@10 vs float32 ${report.recallAt10[id].toFixed(4)}`);
  }
  if (report.imagesPerSecond)
    log(`  throughput: ${report.imagesPerSecond.toFixed(1)} images/s (decode, thumbnail, embed)`);
  log(
    `  shards ${mb(report.bytes.shards)} (float32 index would be ${mb(report.bytes.float32Index)}, ` +
      `${(report.bytes.float32Index / Math.max(1, report.bytes.shards)).toFixed(2)}x), thumbnails ${mb(report.bytes.thumbs)}, ` +
      `items ${mb(report.bytes.items)}; ${removed} stale files removed; ${report.seconds.toFixed(1)} s`,
  );
  if (report.duplicates.length)
    log(`  ${report.duplicates.length} photos skipped: their id was already taken`);
  if (report.skipped.length) {
    log(`  ${report.skipped.length} unreadable photos skipped:`);
    for (const { path, reason } of report.skipped) log(`    ${path}: ${reason}`);
  }
}
