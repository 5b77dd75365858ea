/**
 * Embed stage: runs the photos the caches lack through every model in batches, decoding the next
 * batch while the current one runs, with a progress bar.
 */
import type { DecodedImage, NodeModel } from '../../lib/node-model.ts';
import { ProgressBar } from '../../lib/progress.ts';
import type { CatalogPhoto, PhotoCaches } from '../photo-caches.ts';
import { decodeBatch, type SkippedPhoto } from './decode.ts';

export interface Embedding {
  skipped: SkippedPhoto[];
  /** Photos run through each model (cache misses). */
  embedded: Record<string, number>;
  seconds: number;
}

/** Embeds one decoded batch with every model that lacks a photo's vector. */
async function embedBatch(
  photos: readonly CatalogPhoto[],
  images: readonly (DecodedImage | null)[],
  models: readonly NodeModel[],
  caches: PhotoCaches,
  embedded: Record<string, number>,
): Promise<void> {
  const ok = photos.map((photo, i) => ({ photo, image: images[i] })).filter((x) => x.image);
  for (const model of models) {
    const todo = ok.filter(({ photo }) => !photo.vectors.has(model.spec.id));
    if (!todo.length) continue;
    const vectors = await model.embedImages(todo.map(({ image }) => image!));
    todo.forEach(({ photo }, i) => {
      const vector = vectors.subarray(i * model.dim, (i + 1) * model.dim);
      photo.vectors.set(model.spec.id, vector);
      caches.setVector(model.spec.id, photo.hash, vector);
    });
    embedded[model.spec.id] += todo.length;
  }
}

export async function embed(
  work: readonly CatalogPhoto[],
  models: readonly NodeModel[],
  caches: PhotoCaches,
  batchSize: number,
): Promise<Embedding> {
  const skipped: SkippedPhoto[] = [];
  const embedded = Object.fromEntries(models.map((m) => [m.spec.id, 0]));
  const bar = new ProgressBar('embedding', work.length);
  const started = performance.now();
  const batches: CatalogPhoto[][] = [];
  for (let i = 0; i < work.length; i += batchSize) batches.push(work.slice(i, i + batchSize));
  let next = batches.length ? decodeBatch(batches[0], caches.derived, skipped) : null;
  for (let b = 0; b < batches.length; b++) {
    const images = await next!;
    next = b + 1 < batches.length ? decodeBatch(batches[b + 1], caches.derived, skipped) : null;
    await embedBatch(batches[b], images, models, caches, embedded);
    bar.tick(batches[b].length);
  }
  bar.finish();
  return { skipped, embedded, seconds: (performance.now() - started) / 1000 };
}
