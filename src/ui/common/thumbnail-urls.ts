/**
 * Object URLs of catalog thumbnails, one per item while any card shows it, and a bounded number
 * of unused ones kept for a quick return (older ones are revoked, so their bytes can go).
 */

interface Entry {
  url: Promise<string>;
  users: number;
}

export class ThumbnailUrls {
  #load: (index: number) => Promise<Blob>;
  #keepUnused: number;
  #entries = new Map<number, Entry>();
  /** Unused entries, oldest first (a Map keeps insertion order). */
  #unused = new Map<number, Entry>();

  constructor(load: (index: number) => Promise<Blob>, keepUnused = 96) {
    this.#load = load;
    this.#keepUnused = keepUnused;
  }

  /** The item's URL, held until `release(index)`; a failed load is forgotten so it can be retried. */
  acquire(index: number): Promise<string> {
    let entry = this.#entries.get(index);
    if (!entry) {
      const url = this.#load(index).then((blob) => URL.createObjectURL(blob));
      entry = { url, users: 0 };
      this.#entries.set(index, entry);
      url.catch(() => {
        if (this.#entries.get(index)?.url === url) this.#entries.delete(index);
        this.#unused.delete(index);
      });
    }
    entry.users++;
    this.#unused.delete(index);
    return entry.url;
  }

  release(index: number): void {
    const entry = this.#entries.get(index);
    if (!entry || --entry.users > 0) return;
    this.#unused.set(index, entry);
    while (this.#unused.size > this.#keepUnused) {
      const [oldest, old] = this.#unused.entries().next().value!;
      this.#unused.delete(oldest);
      this.#entries.delete(oldest);
      revoke(old);
    }
  }

  /** How many URLs exist now (in use or kept). */
  get size(): number {
    return this.#entries.size;
  }

  /** Revokes every URL (a new catalog version renumbers the items). */
  clear(): void {
    for (const entry of this.#entries.values()) revoke(entry);
    this.#entries.clear();
    this.#unused.clear();
  }
}

function revoke(entry: Entry): void {
  entry.url.then((u) => URL.revokeObjectURL(u)).catch(() => undefined);
}
