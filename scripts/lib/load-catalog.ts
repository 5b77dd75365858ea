/** Loads a built catalog from disk exactly as the app does: verified manifest, shards and items. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogManifest, FileRef, ItemTable } from '../../src/shared/catalog/manifest.ts';
import { decodeShard } from '../../src/shared/catalog/shard.ts';
import { parseManifest } from '../../src/shared/catalog/validate-manifest.ts';
import { FlatIndex } from '../../src/shared/search/flat-index.ts';
import { sha256 } from './catalog-files.ts';

export class CatalogFileError extends Error {
  override name = 'CatalogFileError';
}

export interface LoadedCatalog {
  manifest: CatalogManifest;
  items: ItemTable;
  /** One index per model id, built from that model's shards. */
  indexes: Map<string, FlatIndex>;
}

/** Reads a file the manifest lists and checks its size and sha256. */
export function readVerified(dir: string, ref: FileRef): Buffer {
  const bytes = readFileSync(join(dir, ref.file));
  if (bytes.length !== ref.bytes || sha256(bytes) !== ref.sha256) {
    throw new CatalogFileError(
      `${ref.file}: checksum mismatch (the file is corrupt or from another build)`,
    );
  }
  return bytes;
}

export async function loadCatalog(dir: string, modelIds?: string[]): Promise<LoadedCatalog> {
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  const items = JSON.parse(readVerified(dir, manifest.items).toString('utf8')) as ItemTable;
  const indexes = new Map<string, FlatIndex>();
  for (const model of manifest.models) {
    if (modelIds && !modelIds.includes(model.spec.id)) continue;
    const index = await FlatIndex.create({ dim: model.dim });
    index.reserve(manifest.count);
    for (const ref of model.shards) {
      const bytes = readVerified(dir, ref);
      const shard = decodeShard(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
        modelId: model.spec.id,
        dim: model.dim,
      });
      index.append(shard.codes, shard.scales, shard.center);
    }
    indexes.set(model.spec.id, index);
  }
  return { manifest, items, indexes };
}
