/**
 * Turns a parsed manifest and a way to read its files into what search needs: the item table and
 * one index per model. The app's worker and the Node tools load catalogs through this one path,
 * so both make the same checks: each file's size and sha256, each shard's model (id, build hash
 * and dim) and item range, the item table's shape, and every index's item count.
 */
import { FlatIndex } from '../search/flat-index.ts';
import { CatalogFileError } from './catalog-file-error.ts';
import { parseItemTable } from './item-table.ts';
import type { CatalogManifest, FileRef, ItemTable, ManifestModel, ShardRef } from './manifest.ts';
import { sha256Hex } from './sha256.ts';
import { decodeShard, type DecodedShard } from './shard.ts';

/** The bytes of one file the manifest lists (a disk read, a stored copy or a download). */
export type ReadBytes = (ref: FileRef) => Promise<Uint8Array>;

export interface AssembleOptions {
  /** Which models to index (all by default); the app leaves out those it cannot run. */
  include?: (model: ManifestModel) => boolean;
  /** The reader has checked size and sha256 already (the app's verified downloads do). */
  verified?: boolean;
}

export interface AssembledCatalog {
  manifest: CatalogManifest;
  items: ItemTable;
  /** One index per included model, by model id, in manifest order. */
  indexes: Map<string, FlatIndex>;
}

/** Reads a file and checks its size and sha256 against its reference. */
export async function readChecked(
  readBytes: ReadBytes,
  ref: FileRef,
  verified = false,
): Promise<Uint8Array> {
  const bytes = await readBytes(ref);
  if (verified) return bytes;
  if (bytes.byteLength !== ref.bytes || (await sha256Hex(bytes)) !== ref.sha256) {
    throw new CatalogFileError(
      'checksum',
      ref.file,
      `${ref.file}: checksum mismatch (the file is corrupt or from another build)`,
    );
  }
  return bytes;
}

/** Decodes a shard and checks it holds `model`'s vectors for exactly the items `ref` places there. */
export function checkedShard(model: ManifestModel, ref: ShardRef, bytes: Uint8Array): DecodedShard {
  try {
    const shard = decodeShard(bytes, {
      modelId: model.spec.id,
      modelHash: model.spec.sha256,
      dim: model.dim,
    });
    const { start, count } = shard.header;
    if (start !== ref.start || count !== ref.count) {
      throw new Error(`it holds items ${start}+${count}, not ${ref.start}+${ref.count}`);
    }
    return shard;
  } catch (error) {
    const why = (error as Error).message;
    throw new CatalogFileError('format', ref.file, `${ref.file} is not a valid shard: ${why}`, {
      cause: error,
    });
  }
}

async function modelIndex(
  manifest: CatalogManifest,
  model: ManifestModel,
  readBytes: ReadBytes,
  verified: boolean,
): Promise<FlatIndex> {
  const index = await FlatIndex.create({ dim: model.dim });
  index.reserve(manifest.count);
  for (const ref of [...model.shards].sort((a, b) => a.start - b.start)) {
    if (ref.start !== index.count) {
      const why = `starts at item ${ref.start}, but the shards before it end at ${index.count}`;
      throw new CatalogFileError('format', ref.file, `${ref.file} ${why}`);
    }
    const shard = checkedShard(model, ref, await readChecked(readBytes, ref, verified));
    // Copies into the index; the shard's bytes are garbage once this returns.
    index.append(shard.codes, shard.scales, shard.center);
  }
  if (index.count !== manifest.count) {
    const why = `The catalog's ${model.spec.id} shards hold ${index.count} vectors, not ${manifest.count}.`;
    throw new CatalogFileError('format', model.shards.at(-1)?.file ?? 'manifest.json', why);
  }
  return index;
}

export async function assembleCatalog(
  manifest: CatalogManifest,
  readBytes: ReadBytes,
  options: AssembleOptions = {},
): Promise<AssembledCatalog> {
  const verified = options.verified ?? false;
  const itemBytes = await readChecked(readBytes, manifest.items, verified);
  let items: ItemTable;
  try {
    const packBytes = manifest.thumbs.packs.map((p) => p.bytes);
    items = parseItemTable(itemBytes, manifest.count, packBytes);
  } catch (error) {
    const { file } = manifest.items;
    throw new CatalogFileError('format', file, (error as Error).message, { cause: error });
  }
  const indexes = new Map<string, FlatIndex>();
  for (const model of manifest.models) {
    if (options.include && !options.include(model)) continue;
    indexes.set(model.spec.id, await modelIndex(manifest, model, readBytes, verified));
  }
  return { manifest, items, indexes };
}
