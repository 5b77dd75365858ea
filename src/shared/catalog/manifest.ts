/** The catalog manifest (`catalog/manifest.json`): what the build wrote and the app downloads. */
import type { ModelSpec } from '../model/spec.ts';

export const MANIFEST_FORMAT = 'lookalike-catalog';
export const MANIFEST_FORMAT_VERSION = 1;

/** The gzip copy of a file is named the file's name plus this (see `FileRef.gzipBytes`). */
export const GZIP_SUFFIX = '.gz';

/** One static file of the catalog, with what it takes to verify it. */
export interface FileRef {
  /** Path relative to the manifest. */
  file: string;
  bytes: number;
  /** sha256 of the whole file, hex. */
  sha256: string;
  /**
   * Size of the gzip copy the build wrote beside it (`<file>.gz`), when it wrote one: a plain
   * static host sends files as they are, so the app fetches the copy and decompresses it.
   */
  gzipBytes?: number;
}

/** A vector shard: items [start, start + count) of one model's index. */
export interface ShardRef extends FileRef {
  start: number;
  count: number;
}

export interface ManifestModel {
  spec: ModelSpec;
  dim: number;
  /**
   * The shards' scheme (see docs/shard-format.md); centred shards carry their centre. The key
   * keeps the spelling every catalog was built with: renaming it would refuse them all.
   */
  quantization: 'int8-symmetric-per-vector' | 'int8-centered-symmetric-per-vector';
  shards: ShardRef[];
}

export interface CatalogManifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: typeof MANIFEST_FORMAT_VERSION;
  /** Content version: changes whenever any shard, item or thumbnail changes. */
  version: string;
  createdAt: string;
  count: number;
  models: ManifestModel[];
  /** The item table (ItemTable JSON). */
  items: FileRef;
  /**
   * Thumbnail packs: concatenated WebP files, addressed by ItemTable.thumbs. `digests` (optional:
   * catalogs built before it lack it) holds each picture's 128-bit sha256 prefix, so one picture
   * fetched alone by HTTP Range can be verified (see docs/shard-format.md).
   */
  thumbs: { maxSide: number; packs: FileRef[]; digests?: FileRef };
}

/**
 * Items in index order, column-wise. `fields` holds every metadata column plus the
 * computed `colour`; a missing value is ''.
 */
export interface ItemTable {
  ids: string[];
  fields: Record<string, string[]>;
  /** Per item: [pack index, byte offset, byte length] of its WebP thumbnail. */
  thumbs: [number, number, number][];
}
