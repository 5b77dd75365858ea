/**
 * Gets catalog files from storage when a verified copy is there, else from the network (verified,
 * then stored). Falls back to a memory-only session when storage is full or unavailable.
 */
import type { CatalogFile } from './catalog-files.ts';
import { memoryStore, type CatalogStore } from './catalog-store.ts';
import { downloadVerified, type DownloadOptions } from './download-verified.ts';
import { CatalogError, isAbortError } from './errors.ts';

export interface ObtainOptions {
  signal?: AbortSignal;
  /** Bytes received so far when the file comes from the network; never called for stored files. */
  onBytes?: (loaded: number) => void;
  /** A download waits for this first (never a file read from storage); its failure frees it too. */
  after?: Promise<unknown>;
}

export class CatalogSource {
  #store: CatalogStore;
  /** Stored copies read by planRead, until bytes() takes them. */
  readonly #reads = new Map<string, Promise<ArrayBuffer | Blob | undefined>>();
  /** Why the session fell back to memory, when it did. */
  notice: string | null = null;

  constructor(store: CatalogStore) {
    this.#store = store;
  }

  get store(): CatalogStore {
    return this.#store;
  }

  /** Gives up on durable storage for this session, keeping what is loaded in memory. */
  degrade(reason: unknown): void {
    if (this.#store.kind === 'memory') return;
    this.#store = memoryStore;
    this.notice =
      reason instanceof CatalogError && reason.code === 'quota'
        ? 'Storage is full: the catalog works for this session but will download again next time.'
        : 'Storage is unavailable: the catalog works for this session but will download again next time.';
  }

  /**
   * Whether `file` will come from storage, reading a stored copy at once and keeping it for
   * bytes(): one storage round trip for the plan and the read, which then overlap the runtime's
   * start instead of queueing behind it.
   */
  async planRead(file: CatalogFile): Promise<boolean> {
    const read = this.#stored(file);
    this.#reads.set(file.ref.sha256, read);
    return (await read) !== undefined;
  }

  /** Whether `file` will come from storage (false when unsure: it will be downloaded). */
  async has(file: CatalogFile): Promise<boolean> {
    try {
      return await this.#store.hasFile(file.ref);
    } catch (error) {
      this.degrade(error);
      return false;
    }
  }

  /**
   * The file as bytes, run through `parse` (which throws on a malformed file). A stored copy that
   * fails to parse counts as missing and is downloaded again; a downloaded one is stored only
   * after it parses.
   */
  async bytes<T>(file: CatalogFile, parse: (bytes: Uint8Array) => T, options: ObtainOptions = {}) {
    const planned = this.#reads.get(file.ref.sha256);
    this.#reads.delete(file.ref.sha256);
    const stored = await (planned ?? this.#stored(file));
    if (stored !== undefined) {
      const bytes = new Uint8Array(stored instanceof Blob ? await stored.arrayBuffer() : stored);
      try {
        return parse(bytes);
      } catch {
        // Damaged in storage: fall through to a fresh download.
      }
    }
    await options.after?.catch(() => undefined);
    const bytes = await this.#download(file, options);
    const parsed = parse(bytes);
    await this.#put(file, bytes.buffer as ArrayBuffer);
    return parsed;
  }

  /** The file as a Blob (thumbnail packs: sliced per item, never read whole into JS). */
  async blob(file: CatalogFile, options: ObtainOptions = {}): Promise<Blob> {
    const stored = await this.#stored(file);
    if (stored !== undefined) return stored instanceof Blob ? stored : new Blob([stored]);
    const blob = new Blob([(await this.#download(file, options)) as Uint8Array<ArrayBuffer>]);
    await this.#put(file, blob);
    return blob;
  }

  async #stored(file: CatalogFile): Promise<ArrayBuffer | Blob | undefined> {
    try {
      return await this.#store.getFile(file.ref);
    } catch (error) {
      this.degrade(error);
      return undefined;
    }
  }

  async #put(file: CatalogFile, data: ArrayBuffer | Blob): Promise<void> {
    try {
      await this.#store.putFile(file.ref, file.path, data);
    } catch (error) {
      if (isAbortError(error)) throw error;
      this.degrade(error);
    }
  }

  #download(file: CatalogFile, options: ObtainOptions): Promise<Uint8Array> {
    const download: DownloadOptions = { signal: options.signal, onBytes: options.onBytes };
    return downloadVerified(file.url, file.ref, file.path, download);
  }
}
