/**
 * Decoded catalog thumbnails, one per item while any card shows it, and a bounded number of
 * unused ones kept for a card that comes back (older ones are disposed, so their pixels go).
 *
 * The app decodes pictures itself and closes them, instead of handing object URLs to <img>:
 * Chromium keeps every <img>'s decoded pixels in discardable shared memory that it frees only
 * under memory pressure, so 1,000 searches grew the renderer by 400 MB (docs/latency.md).
 */

interface Entry<T> {
  value: Promise<T>;
  users: number;
}

export class ThumbnailPool<T> {
  #load: (index: number) => Promise<T>;
  #dispose: (value: T) => void;
  #keepUnused: number;
  #entries = new Map<number, Entry<T>>();
  /** Unused entries, oldest first (a Map keeps insertion order). */
  #unused = new Map<number, Entry<T>>();

  constructor(load: (index: number) => Promise<T>, dispose: (value: T) => void, keepUnused = 48) {
    this.#load = load;
    this.#dispose = dispose;
    this.#keepUnused = keepUnused;
  }

  /** The item's picture, held until `release(index)`; a failed load is forgotten so it can be retried. */
  acquire(index: number): Promise<T> {
    let entry = this.#entries.get(index);
    if (!entry) {
      const value = this.#load(index);
      entry = { value, users: 0 };
      this.#entries.set(index, entry);
      value.catch(() => {
        if (this.#entries.get(index)?.value === value) this.#entries.delete(index);
        this.#unused.delete(index);
      });
    }
    entry.users++;
    this.#unused.delete(index);
    return entry.value;
  }

  release(index: number): void {
    const entry = this.#entries.get(index);
    if (!entry || --entry.users > 0) return;
    this.#unused.set(index, entry);
    while (this.#unused.size > this.#keepUnused) {
      const [oldest, old] = this.#unused.entries().next().value!;
      this.#unused.delete(oldest);
      this.#entries.delete(oldest);
      this.#disposeEntry(old);
    }
  }

  /** How many pictures are held now (in use or kept). */
  get size(): number {
    return this.#entries.size;
  }

  /** Disposes of every picture (a new catalog version renumbers the items). */
  clear(): void {
    for (const entry of this.#entries.values()) this.#disposeEntry(entry);
    this.#entries.clear();
    this.#unused.clear();
  }

  #disposeEntry(entry: Entry<T>): void {
    entry.value.then((value) => this.#dispose(value)).catch(() => undefined);
  }
}
