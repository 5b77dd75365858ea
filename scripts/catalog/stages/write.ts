/**
 * Write stage: shards, thumbnail packs, item table and manifest under content-hashed names, then
 * removes what an older build left. The manifest is rewritten only when the content changed.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type CatalogManifest,
  type FileRef,
  type ItemTable,
  type ManifestModel,
} from '../../../src/shared/catalog/manifest.ts';
import { PICTURE_DIGEST_BYTES } from '../../../src/shared/catalog/picture-digests.ts';
import {
  filesOf,
  packThumbnails,
  removeStale,
  sha256,
  writeHashed,
} from '../../lib/catalog-files.ts';
import type { CatalogPhoto } from '../photo-caches.ts';
import { THUMB_SIDE } from './decode.ts';
import { manifestModel, type QuantisedModel } from './quantise.ts';

export interface Written {
  /** Names the content, so an unchanged rebuild leaves the manifest untouched. */
  version: string;
  /** True when the output already held this exact catalog. */
  unchanged: boolean;
  /** Stale files removed. */
  removed: number;
  bytes: { shards: number; thumbs: number; items: number };
}

function writeShards(out: string, quantised: QuantisedModel, written: Set<string>): ManifestModel {
  const id = quantised.model.spec.id;
  const shards = quantised.shards.map(({ bytes, start, count }, i) => {
    const stem = `shard-${String(i).padStart(3, '0')}`;
    const ref = writeHashed(out, id, stem, '.bin', bytes, { gzip: true });
    filesOf(ref).forEach((file) => written.add(file));
    return { ...ref, start, count };
  });
  return manifestModel(quantised, shards);
}

function itemTable(
  photos: readonly CatalogPhoto[],
  meta: Map<string, Record<string, string>>,
  thumbs: ItemTable['thumbs'],
): ItemTable {
  const row = (photo: CatalogPhoto) => meta.get(photo.file.id);
  const fieldNames = [...new Set(photos.flatMap((photo) => Object.keys(row(photo) ?? {})))];
  return {
    ids: photos.map((photo) => photo.file.id),
    fields: Object.fromEntries([
      ...fieldNames.map((name) => [name, photos.map((photo) => row(photo)?.[name] ?? '')]),
      ['colour', photos.map((photo) => photo.colour!)],
    ]),
    thumbs,
  };
}

/** True when `path` holds a manifest of this `version`. */
function holdsVersion(path: string, version: string): boolean {
  if (!existsSync(path)) return false;
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as CatalogManifest).version === version;
  } catch {
    return false;
  }
}

/** Writes the manifest unless the output holds this version already; true when it did. */
function writeManifest(out: string, manifest: CatalogManifest): boolean {
  const path = join(out, 'manifest.json');
  if (holdsVersion(path, manifest.version)) return true;
  writeFileSync(path + '.tmp', JSON.stringify(manifest, null, 1));
  renameSync(path + '.tmp', path);
  return false;
}

const contentVersion = (
  models: ManifestModel[],
  items: FileRef,
  packs: FileRef[],
  digests: FileRef,
) =>
  sha256(
    Buffer.from(
      JSON.stringify([
        // The spec too: a field it declares (e.g. output.instance) changes how the app searches.
        models.map((m) => [m.spec, m.shards.map((s) => s.sha256)]),
        items.sha256,
        packs.map((p) => p.sha256),
        digests.sha256,
      ]),
    ),
  ).slice(0, 16);

/** The `thumbs.digests` file (docs/shard-format.md): a sha256 prefix per picture, in item order. */
function pictureDigests(photos: readonly CatalogPhoto[]): Uint8Array {
  const hex = photos.map((photo) => sha256(photo.thumb!).slice(0, PICTURE_DIGEST_BYTES * 2));
  return Buffer.from(hex.join(''), 'hex');
}

export function writeCatalog(
  out: string,
  quantised: readonly QuantisedModel[],
  photos: readonly CatalogPhoto[],
  meta: Map<string, Record<string, string>>,
  thumbPackBytes: number,
): Written {
  mkdirSync(out, { recursive: true });
  const written = new Set<string>();
  const models = quantised.map((q) => writeShards(out, q, written));
  const { packs, refs } = packThumbnails(
    out,
    photos.map((photo) => photo.thumb!),
    thumbPackBytes,
  );
  packs.forEach((p) => written.add(p.file));
  const digests = writeHashed(out, 'thumbs', 'digests', '.bin', pictureDigests(photos));
  written.add(digests.file);
  const table = itemTable(photos, meta, refs);
  const itemBytes = Buffer.from(JSON.stringify(table));
  const items = writeHashed(out, 'items', 'items', '.json', itemBytes, { gzip: true });
  filesOf(items).forEach((file) => written.add(file));
  const version = contentVersion(models, items, packs, digests);
  const unchanged = writeManifest(out, {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    version,
    createdAt: new Date().toISOString(),
    count: photos.length,
    models,
    items,
    thumbs: { maxSide: THUMB_SIDE, packs, digests },
  });
  const sum = (refs: FileRef[]) => refs.reduce((total, ref) => total + ref.bytes, 0);
  return {
    version,
    unchanged,
    removed: removeStale(out, written),
    bytes: { shards: sum(models.flatMap((m) => m.shards)), thumbs: sum(packs), items: items.bytes },
  };
}
