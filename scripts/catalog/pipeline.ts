/**
 * The catalog build: photos and metadata in; shards, thumbnails, item table and manifest out.
 * Named stages (stages/): scan, decode + embed (photos the caches lack), quantise, write.
 */
import { CATALOG_VIEWS, viewMeanModel, type ViewName } from '../lib/catalog-views.ts';
import { loadNodeModel, type NodeModel } from '../lib/node-model.ts';
import { PhotoCaches, type CatalogPhoto } from './photo-caches.ts';
import { embed } from './stages/embed.ts';
import { quantiseModel } from './stages/quantise.ts';
import { scan } from './stages/scan.ts';
import { writeCatalog } from './stages/write.ts';
import { printSummary, type BuildReport } from './summary.ts';

export type { BuildReport } from './summary.ts';

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

export async function buildCatalog(options: BuildOptions): Promise<BuildReport> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const scanned = await scan(options.images, options.meta);
  const models: NodeModel[] = [];
  const views = options.views ?? CATALOG_VIEWS;
  for (const id of options.models) models.push(viewMeanModel(await loadNodeModel(id), views));
  const caches = new PhotoCaches(options.cache, models, views);

  const photos: CatalogPhoto[] = scanned.photos.map((p) => ({ ...p, vectors: new Map() }));
  const work = photos.filter((photo) => caches.fill(photo, models, options.force));
  log(
    `catalog: ${photos.length} photos in ${options.images}; ${work.length} to process, ${photos.length - work.length} cached`,
  );
  const embedding = await embed(work, models, caches, options.batch ?? 16);
  // Unreadable photos have no thumbnail and no vectors: they stay out of the catalog.
  const kept = photos.filter((p) => p.thumb && models.every((m) => p.vectors.has(m.spec.id)));
  caches.save(new Set(kept.map((photo) => photo.hash)));

  const quantised = [];
  for (const model of models) quantised.push(await quantiseModel(model, kept, options.shardBytes));
  const thumbPackBytes = options.thumbPackBytes ?? 2 * 1024 * 1024;
  const written = writeCatalog(options.out, quantised, kept, scanned.meta, thumbPackBytes);

  const report: BuildReport = {
    count: kept.length,
    embedded: embedding.embedded,
    skipped: embedding.skipped,
    duplicates: scanned.duplicates.map((d) => d.path),
    seconds: (performance.now() - started) / 1000,
    imagesPerSecond: work.length ? work.length / embedding.seconds : 0,
    recallAt10: Object.fromEntries(quantised.map((q) => [q.model.spec.id, q.recallAt10])),
    bytes: {
      shards: written.bytes.shards,
      float32Index: quantised.reduce((sum, q) => sum + q.floatBytes, 0),
      thumbs: written.bytes.thumbs,
      items: written.bytes.items,
    },
    version: written.version,
    unchanged: written.unchanged,
  };
  printSummary(report, options.out, written.removed, log);
  return report;
}
