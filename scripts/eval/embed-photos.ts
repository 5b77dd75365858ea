/**
 * Embeds many photos with an embedder, through a per-photo cache keyed by content hash (the
 * catalog build's cache format), so a second evaluation run embeds nothing. Reads, but never
 * rewrites, the catalog build's own cache, so `npm run catalog` work is reused.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { EmbeddingCache } from '../lib/embedding-cache.ts';
import type { PhotoSource } from '../lib/photo-source.ts';
import { ProgressBar } from '../lib/progress.ts';
import type { Embedder } from './embedders.ts';

export interface EmbedOptions {
  /** Folder of the evaluation's caches (e.g. .cache/eval). */
  cache: string;
  /** The catalog build's cache folder (read only; e.g. .cache). */
  catalogCache?: string;
  batch?: number;
  label?: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Rows in `photos` order; returns the vectors and how many photos actually ran the embedder. */
export async function embedPhotos(
  embedder: Embedder,
  photos: readonly PhotoSource[],
  options: EmbedOptions,
): Promise<{ vectors: Float32Array; embedded: number }> {
  const batch = options.batch ?? 16;
  const file = `${embedder.id}-${embedder.cacheKey.slice(0, 16)}${embedder.cacheTag ?? ''}.bin`;
  const cache = new EmbeddingCache(join(options.cache, file), embedder.dim);
  const shared = options.catalogCache
    ? new EmbeddingCache(join(options.catalogCache, 'embeddings', file), embedder.dim)
    : null;
  const vectors = new Float32Array(photos.length * embedder.dim);
  const bar = new ProgressBar(`${options.label ?? 'embedding'} (${embedder.id})`, photos.length);
  let embedded = 0;
  // Chunks keep memory flat: camera queries are generated on load, and sets may be large.
  for (let start = 0; start < photos.length; start += 4 * batch) {
    const part = photos.slice(start, start + 4 * batch);
    const loaded = await Promise.all(part.map((p) => p.load()));
    const todo: { row: number; bytes: Uint8Array; hash: string }[] = [];
    loaded.forEach((bytes, i) => {
      const hash = sha256(bytes);
      const cached = cache.get(hash) ?? shared?.get(hash);
      if (!cached) todo.push({ row: start + i, bytes, hash });
      else {
        vectors.set(cached, (start + i) * embedder.dim);
        if (!cache.get(hash)) cache.set(hash, cached);
      }
    });
    for (let at = 0; at < todo.length; at += batch) {
      const chunk = todo.slice(at, at + batch);
      const out = await embedder.embed(chunk.map((t) => t.bytes));
      chunk.forEach(({ row, hash }, i) => {
        const vector = out.subarray(i * embedder.dim, (i + 1) * embedder.dim);
        vectors.set(vector, row * embedder.dim);
        cache.set(hash, vector);
      });
    }
    embedded += todo.length;
    bar.tick(part.length);
  }
  bar.finish();
  cache.save();
  return { vectors, embedded };
}
