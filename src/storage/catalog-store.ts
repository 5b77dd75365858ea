/** Where verified catalog files live between visits: IndexedDB, or nothing (memory-only session). */
import type { CatalogManifest, FileRef } from '../shared/catalog/manifest.ts';
import {
  openCatalogDb,
  pictureKeyPack,
  type CatalogDb,
  type CatalogSlot,
  type StoredCatalog,
} from './catalog-db.ts';
import { referencedHashes } from './catalog-files.ts';
import { CatalogError, isQuotaError } from './errors.ts';

export interface CatalogStore {
  readonly kind: 'indexeddb' | 'memory';
  /** The stored bytes of `ref`, if a verified copy is stored. */
  getFile(ref: FileRef): Promise<ArrayBuffer | Blob | undefined>;
  /** Whether a verified copy of `ref` is stored (without reading it). */
  hasFile(ref: FileRef): Promise<boolean>;
  /** Stores a verified file. Throws CatalogError 'quota' when storage is full. */
  putFile(ref: FileRef, path: string, data: ArrayBuffer | Blob): Promise<void>;
  /** A picture stored alone (fetched by Range), by `pictureKey`. */
  getPicture(key: string): Promise<Blob | undefined>;
  /** Stores a verified picture. Throws CatalogError 'quota' when storage is full. */
  putPicture(key: string, data: Blob): Promise<void>;
  getCatalog(slot: CatalogSlot): Promise<StoredCatalog | undefined>;
  /** Remembers an update being downloaded, so its files survive garbage collection. */
  setPending(manifest: CatalogManifest): Promise<void>;
  /**
   * Makes `manifest` the current catalog in one transaction (the old one stays current until it
   * commits), then deletes the files no stored catalog refers to any more.
   */
  activate(manifest: CatalogManifest): Promise<void>;
  /**
   * Deletes stored files that neither the current nor the pending catalog refers to, and single
   * pictures whose pack is stored whole or no longer referred to.
   */
  collectGarbage(): Promise<number>;
}

/** The memory-only session: nothing is kept, every visit downloads again. */
export const memoryStore: CatalogStore = {
  kind: 'memory',
  getFile: () => Promise.resolve(undefined),
  hasFile: () => Promise.resolve(false),
  putFile: () => Promise.resolve(),
  getPicture: () => Promise.resolve(undefined),
  putPicture: () => Promise.resolve(),
  getCatalog: () => Promise.resolve(undefined),
  setPending: () => Promise.resolve(),
  activate: () => Promise.resolve(),
  collectGarbage: () => Promise.resolve(0),
};

export class IdbCatalogStore implements CatalogStore {
  readonly kind = 'indexeddb';
  #db: Promise<CatalogDb> | undefined;

  #open(): Promise<CatalogDb> {
    this.#db ??= openCatalogDb(() => (this.#db = undefined)).catch((error: unknown) => {
      this.#db = undefined;
      throw error;
    });
    return this.#db;
  }

  /** Runs `step`, reopening once if the connection was closed under us (database deleted). */
  async #with<T>(step: (db: CatalogDb) => Promise<T>): Promise<T> {
    try {
      return await step(await this.#open());
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'InvalidStateError')) throw error;
      this.#db = undefined;
      return step(await this.#open());
    }
  }

  /** Opens the database now, so a browser without usable IndexedDB is detected before downloading. */
  async ready(): Promise<void> {
    await this.#open();
  }

  async getFile(ref: FileRef): Promise<ArrayBuffer | Blob | undefined> {
    const record = await this.#with((db) => db.get('files', ref.sha256));
    const size = record?.data instanceof Blob ? record.data.size : record?.data.byteLength;
    return record && record.bytes === ref.bytes && size === ref.bytes ? record.data : undefined;
  }

  async hasFile(ref: FileRef): Promise<boolean> {
    return (await this.#with((db) => db.getKey('files', ref.sha256))) !== undefined;
  }

  async putFile(ref: FileRef, path: string, data: ArrayBuffer | Blob): Promise<void> {
    await quotaChecked(() =>
      this.#with((db) =>
        db.put('files', { sha256: ref.sha256, path, bytes: ref.bytes, data, storedAt: Date.now() }),
      ),
    );
  }

  async getPicture(key: string): Promise<Blob | undefined> {
    return (await this.#with((db) => db.get('pictures', key)))?.data;
  }

  async putPicture(key: string, data: Blob): Promise<void> {
    await quotaChecked(() => this.#with((db) => db.put('pictures', { key, data })));
  }

  getCatalog(slot: CatalogSlot): Promise<StoredCatalog | undefined> {
    return this.#with((db) => db.get('catalogs', slot));
  }

  async setPending(manifest: CatalogManifest): Promise<void> {
    await this.#with((db) =>
      db.put('catalogs', { version: manifest.version, manifest, savedAt: Date.now() }, 'pending'),
    );
  }

  async activate(manifest: CatalogManifest): Promise<void> {
    await this.#with(async (db) => {
      const tx = db.transaction('catalogs', 'readwrite');
      const pending = await tx.store.get('pending');
      await tx.store.put({ version: manifest.version, manifest, savedAt: Date.now() }, 'current');
      if (pending?.version === manifest.version) await tx.store.delete('pending');
      await tx.done;
    });
    await this.collectGarbage();
  }

  async collectGarbage(): Promise<number> {
    return this.#with(async (db) => {
      const keep = new Set<string>();
      for (const slot of ['current', 'pending'] as const) {
        const stored = await db.get('catalogs', slot);
        if (stored) for (const hash of referencedHashes(stored.manifest)) keep.add(hash);
      }
      const tx = db.transaction('files', 'readwrite');
      let removed = 0;
      for (const key of await tx.store.getAllKeys()) {
        if (keep.has(key)) continue;
        await tx.store.delete(key);
        removed++;
      }
      await tx.done;
      return removed + (await this.#collectPictures(db, keep));
    });
  }

  async #collectPictures(db: CatalogDb, keep: Set<string>): Promise<number> {
    const packs = new Set(await db.getAllKeys('files'));
    const tx = db.transaction('pictures', 'readwrite');
    let removed = 0;
    for (const key of await tx.store.getAllKeys()) {
      const pack = pictureKeyPack(key);
      if (keep.has(pack) && !packs.has(pack)) continue;
      await tx.store.delete(key);
      removed++;
    }
    await tx.done;
    return removed;
  }
}

/** Runs a write, turning the browser's quota error into CatalogError 'quota'. */
async function quotaChecked(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!isQuotaError(error)) throw error;
    throw new CatalogError(
      'quota',
      'Storage is full, so the catalog is kept for this session only.',
      {
        cause: error,
      },
    );
  }
}
