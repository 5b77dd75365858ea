/**
 * Embeddings of catalog views (scripts/lib/catalog-views.ts) for model selection, one cache
 * file per model and view, keyed by photo content: each photo is decoded once for every
 * missing view, and a second run embeds nothing.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddingCache } from '../lib/embedding-cache.ts';
import { makeView, type ViewName } from '../lib/catalog-views.ts';
import { decodeImageNode } from '../lib/decode-node.ts';
import type { NodeModel } from '../lib/node-model.ts';
import { ProgressBar } from '../lib/progress.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Per view, count x dim unit rows in `paths` order. */
export async function viewEmbeddings(
  model: NodeModel,
  paths: readonly string[],
  views: readonly ViewName[],
  cacheDir: string,
): Promise<Float32Array[]> {
  const { dim } = model;
  const key = `${model.spec.id}-${model.spec.sha256.slice(0, 16)}`;
  const caches = views.map((v) => new EmbeddingCache(join(cacheDir, `${key}-${v}.bin`), dim));
  const out = views.map(() => new Float32Array(paths.length * dim));
  const bar = new ProgressBar(`views (${model.spec.id})`, paths.length);
  for (let start = 0; start < paths.length; start += 16) {
    const chunk = await Promise.all(
      paths.slice(start, start + 16).map(async (path) => {
        const bytes = await readFile(path);
        return { bytes, hash: sha256(bytes) };
      }),
    );
    for (let v = 0; v < views.length; v++) {
      const todo = chunk
        .map((c, i) => ({ ...c, row: start + i }))
        .filter((c) => !caches[v].get(c.hash));
      if (todo.length) {
        const images = await Promise.all(
          todo.map(async (c) => makeView(await decodeImageNode(c.bytes), views[v])),
        );
        const vectors = await model.embedImages(images);
        todo.forEach((c, i) => caches[v].set(c.hash, vectors.subarray(i * dim, (i + 1) * dim)));
      }
      chunk.forEach((c, i) => out[v].set(caches[v].get(c.hash)!, (start + i) * dim));
    }
    bar.tick(chunk.length);
    if ((start / 16) % 20 === 19) caches.forEach((c) => c.save());
  }
  bar.finish();
  caches.forEach((c) => c.save());
  return out;
}
