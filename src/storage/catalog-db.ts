/** The IndexedDB schema that holds downloaded catalogs: verified files by hash, and version pointers. */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CatalogManifest } from '../shared/catalog/manifest.ts';

export const CATALOG_DB_NAME = 'lookalike-catalog';
/** Bump with a new step in `upgrade` whenever the stores or their records change shape. */
export const CATALOG_DB_VERSION = 2;

/** One verified file. Keyed by its sha256, so versions that share a file store it once. */
export interface StoredFile {
  sha256: string;
  /** Path it was downloaded from (relative to the app), for debugging only. */
  path: string;
  bytes: number;
  /** Shards, models and the item table as bytes; thumbnail packs as a Blob (sliced per item). */
  data: ArrayBuffer | Blob;
  storedAt: number;
}

/** A catalog version: 'current' is what the app loads; 'pending' is an update still downloading. */
export interface StoredCatalog {
  version: string;
  manifest: CatalogManifest;
  savedAt: number;
}

export type CatalogSlot = 'current' | 'pending';

/**
 * One picture fetched alone (an HTTP Range into its pack) and verified by its digest, kept until
 * its whole pack is stored. Keyed by `pictureKey`, so a picture is tied to its pack's content.
 */
export interface StoredPicture {
  key: string;
  data: Blob;
}

/** The key of the picture at `offset` in the pack whose sha256 is `packSha256`. */
export function pictureKey(packSha256: string, offset: number): string {
  return `${packSha256}:${offset}`;
}

/** The pack sha256 a picture key belongs to. */
export function pictureKeyPack(key: string): string {
  return key.slice(0, key.indexOf(':'));
}

export interface CatalogDbSchema extends DBSchema {
  files: { key: string; value: StoredFile };
  catalogs: { key: CatalogSlot; value: StoredCatalog };
  pictures: { key: string; value: StoredPicture };
}

export type CatalogDb = IDBPDatabase<CatalogDbSchema>;

/**
 * Opens the database. `onGone` runs when the connection can no longer be used: another context
 * deletes or upgrades the database (we close so it is not blocked), or the browser drops it.
 */
export function openCatalogDb(onGone: () => void): Promise<CatalogDb> {
  return openDB<CatalogDbSchema>(CATALOG_DB_NAME, CATALOG_DB_VERSION, {
    upgrade(db, oldVersion) {
      // Each step migrates from the version before it; a fresh database runs them all.
      if (oldVersion < 1) {
        db.createObjectStore('files', { keyPath: 'sha256' });
        db.createObjectStore('catalogs');
      }
      if (oldVersion < 2) db.createObjectStore('pictures', { keyPath: 'key' });
    },
    blocking(_current, _blocked, event) {
      (event.target as IDBDatabase).close();
      onGone();
    },
    terminated: onGone,
  });
}
