/**
 * The catalog's pictures, on demand: from a stored pack, from a picture stored alone, or from the
 * network as an HTTP Range into its pack (verified by its digest, then stored). Packs download
 * whole only in the background (or when the host ignores Range), verified by their sha256.
 */
import type { CatalogManifest, ItemTable } from '../../shared/catalog/manifest.ts';
import {
  checkPictureDigests,
  digestAt,
  pictureDigest,
} from '../../shared/catalog/picture-digests.ts';
import { pictureKey } from '../../storage/catalog-db.ts';
import { catalogFiles, type CatalogFile } from '../../storage/catalog-files.ts';
import type { CatalogSource } from '../../storage/catalog-source.ts';
import { downloadVerified, type DownloadOptions } from '../../storage/download-verified.ts';
import { CatalogError } from '../../storage/errors.ts';
import { fetchRange } from '../../storage/fetch-range.ts';

const WEBP = 'image/webp';

export interface PicturesContext {
  manifest: CatalogManifest;
  items: ItemTable;
  source: CatalogSource;
  manifestUrl: string;
  appUrl: string;
}

/** Why a verified picture or pack could not be kept: the browser's storage is full. */
export const STORAGE_FULL =
  'Storage is full: pictures not saved yet show as colours. Search keeps working.';

export class Pictures {
  #context: PicturesContext;
  /** One file per pack, in pack order. */
  readonly packs: CatalogFile[];
  #digestsFile: CatalogFile | undefined;
  /** Stored packs as Blobs (handles to stored bytes, not copies). */
  #stored = new Map<number, Blob>();
  #packLoads = new Map<number, Promise<Blob>>();
  #singles = new Map<number, Promise<Blob>>();
  #digests: Promise<Uint8Array | null> | undefined;
  /** The host answered a Range request with the whole file: fetch whole packs from now on. */
  #noRange = false;
  /** Set once a verified picture or pack could not be stored because storage is full. */
  full = false;

  constructor(context: PicturesContext) {
    this.#context = context;
    const files = catalogFiles(context.manifest, context.manifestUrl, context.appUrl, () => false);
    this.packs = files.filter((f) => f.phase === 'thumbnails');
    this.#digestsFile = files.find((f) => f.phase === 'digests');
  }

  /** Item `index`'s WebP thumbnail; rejects when it is neither stored nor downloadable now. */
  async picture(index: number): Promise<Blob> {
    const ref = this.#context.items.thumbs[index];
    if (!ref) throw new RangeError(`The catalog has no item at ${index}.`);
    const [pack, offset, length] = ref;
    const whole = await this.storedPack(pack);
    if (whole) return whole.slice(offset, offset + length, WEBP);
    let single = this.#singles.get(index);
    if (!single) {
      single = this.#single(index).finally(() => this.#singles.delete(index));
      this.#singles.set(index, single);
    }
    return single;
  }

  /** The stored pack, if it is stored (read once per session: later calls reuse the handle). */
  async storedPack(pack: number): Promise<Blob | undefined> {
    const known = this.#stored.get(pack);
    if (known) return known;
    const file = this.packs[pack];
    if (!(await this.#context.source.has(file))) return undefined;
    const data = await this.#context.source.store.getFile(file.ref);
    if (data === undefined) return undefined;
    const blob = data instanceof Blob ? data : new Blob([data]);
    this.#stored.set(pack, blob);
    return blob;
  }

  /**
   * Downloads pack `pack` whole, verifies it and stores it (once, however many callers ask).
   * Storage full is not an error here: the pack serves this session and `full` is set.
   */
  savePack(pack: number, options: DownloadOptions = {}): Promise<Blob> {
    let load = this.#packLoads.get(pack);
    if (!load) {
      load = this.#downloadPack(pack, options).finally(() => this.#packLoads.delete(pack));
      this.#packLoads.set(pack, load);
    }
    return load;
  }

  async #downloadPack(pack: number, options: DownloadOptions): Promise<Blob> {
    const file = this.packs[pack];
    const bytes = await downloadVerified(file.url, file.ref, file.path, options);
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await this.#keep(() => this.#context.source.store.putFile(file.ref, file.path, blob));
    this.#stored.set(pack, blob);
    return blob;
  }

  async #single(index: number): Promise<Blob> {
    const [pack, offset, length] = this.#context.items.thumbs[index];
    const file = this.packs[pack];
    const key = pictureKey(file.ref.sha256, offset);
    const stored = await this.#context.source.store.getPicture(key).catch(() => undefined);
    if (stored) return stored;
    const digests = this.#noRange ? null : await this.#digestFile();
    if (digests) {
      const got = await fetchRange(file.url, offset, length, file.path);
      if (got.kind === 'range') {
        if ((await pictureDigest(got.bytes)) !== digestAt(digests, index)) {
          throw new CatalogError('checksum', `A picture in ${file.path} failed verification.`);
        }
        const blob = new Blob([got.bytes as Uint8Array<ArrayBuffer>], { type: WEBP });
        await this.#keep(() => this.#context.source.store.putPicture(key, blob));
        return blob;
      }
      this.#noRange = true;
    }
    // No digests to verify a single picture, or a host without Range: the whole pack.
    return (await this.savePack(pack)).slice(offset, offset + length, WEBP);
  }

  /** The digests file (downloaded and stored once), or null for a catalog without one. */
  #digestFile(): Promise<Uint8Array | null> {
    const file = this.#digestsFile;
    if (!file) return Promise.resolve(null);
    const count = this.#context.manifest.count;
    this.#digests ??= this.#context.source
      .bytes(file, (bytes) => checkPictureDigests(bytes, count))
      .catch((error: unknown) => {
        this.#digests = undefined;
        throw error;
      });
    return this.#digests;
  }

  /** Runs a store write; storage full only sets `full` (the verified bytes still serve now). */
  async #keep(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (error instanceof CatalogError && error.code === 'quota') this.full = true;
      else console.warn('Could not store a picture:', error);
    }
  }
}
