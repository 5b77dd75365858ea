/**
 * The build's per-photo caches, keyed by content hash: thumbnail and colour (derived-cache.ts)
 * and one embedding file per model build (embedding-cache.ts), so a rebuild only processes
 * photos it has not seen.
 */
import { join } from 'node:path';
import { viewsTag, type ViewName } from '../lib/catalog-views.ts';
import { EmbeddingCache } from '../lib/embedding-cache.ts';
import type { NodeModel } from '../lib/node-model.ts';
import { DerivedCache } from './derived-cache.ts';
import type { ScannedPhoto } from './stages/scan.ts';

/** A photo as it moves through the build: what the caches or the stages have found so far. */
export interface CatalogPhoto extends ScannedPhoto {
  colour?: string;
  thumb?: Buffer;
  /** Embedding by model id. */
  vectors: Map<string, Float32Array>;
}

export class PhotoCaches {
  readonly derived: DerivedCache;
  readonly #embeddings: Map<string, EmbeddingCache>;

  constructor(folder: string, models: readonly NodeModel[], views: readonly ViewName[] = ['full']) {
    this.derived = new DerivedCache(join(folder, 'derived'));
    this.#embeddings = new Map(
      models.map((m) => [
        m.spec.id,
        new EmbeddingCache(
          join(
            folder,
            'embeddings',
            `${m.spec.id}-${m.spec.sha256.slice(0, 16)}${viewsTag(views)}.bin`,
          ),
          m.dim,
        ),
      ]),
    );
  }

  /** Fills `photo` from the caches (unless `force`); true when anything is still missing. */
  fill(photo: CatalogPhoto, models: readonly NodeModel[], force = false): boolean {
    let missing = false;
    const derived = force ? undefined : this.derived.get(photo.hash);
    if (derived) Object.assign(photo, derived);
    else missing = true;
    for (const model of models) {
      const vector = force ? undefined : this.#embeddings.get(model.spec.id)!.get(photo.hash);
      if (vector) photo.vectors.set(model.spec.id, vector);
      else missing = true;
    }
    return missing;
  }

  setVector(modelId: string, hash: string, vector: Float32Array): void {
    this.#embeddings.get(modelId)!.set(hash, vector);
  }

  /** Drops entries of photos no longer in the catalog, then writes what changed. */
  save(kept: Set<string>): void {
    for (const cache of this.#embeddings.values()) {
      cache.retain(kept);
      cache.save();
    }
    this.derived.save();
  }
}
