/**
 * Byte progress over the files of one load, fetched or read concurrently: what came over the
 * network counts towards 'downloading', what came from storage towards 'indexing'.
 */
import type { CatalogFile } from '../../storage/catalog-files.ts';
import type { ObtainOptions } from '../../storage/catalog-source.ts';
import type { LoadReporter } from './load-reporter.ts';

export class LoadProgressTracker {
  #reporter: LoadReporter | null;
  #downloadTotal: number;
  #readTotal: number;
  /** Bytes received so far per file still downloading, and the sum of finished ones. */
  #inFlight = new Map<CatalogFile, number>();
  #downloaded = 0;
  #read = 0;
  /** Every obtain not settled yet: a failed load waits for them (see `settled`). */
  #running = new Set<Promise<unknown>>();
  /** Items in the index so far (reported while indexing). */
  indexed = 0;

  constructor(reporter: LoadReporter | null, downloadTotal: number, readTotal: number) {
    this.#reporter = reporter;
    this.#downloadTotal = downloadTotal;
    this.#readTotal = readTotal;
  }

  /** Obtains one file through `get`, reporting download or read progress around it. */
  obtain<T>(file: CatalogFile, get: (o: ObtainOptions) => Promise<T>): Promise<T> {
    const run = this.#obtain(file, get);
    // Also marks a failure as handled: a failed load may never await every file.
    const done = run.catch(() => undefined);
    this.#running.add(done);
    void done.then(() => this.#running.delete(done));
    return run;
  }

  /**
   * Resolves once every obtain has settled. A load that failed waits for this before it rejects:
   * a file still in flight would otherwise report progress after the page shows the error.
   */
  async settled(): Promise<void> {
    while (this.#running.size) await Promise.all(this.#running);
  }

  async #obtain<T>(file: CatalogFile, get: (o: ObtainOptions) => Promise<T>): Promise<T> {
    let fromNetwork = false;
    const phase = file.phase === 'model' ? 'model' : 'shards';
    const onBytes = (loaded: number) => {
      fromNetwork = true;
      this.#inFlight.set(file, loaded);
      this.#reportDownload(phase, false);
    };
    try {
      const value = await get({ onBytes });
      if (fromNetwork) this.#downloaded += file.ref.bytes;
      else this.#read += file.ref.bytes;
      this.#inFlight.delete(file);
      if (fromNetwork) this.#reportDownload(phase, true);
      else this.#reportRead();
      return value;
    } catch (error) {
      // A failed file reports nothing (it used to read as "indexing 0 items"): its error will.
      this.#inFlight.delete(file);
      throw error;
    }
  }

  #reportDownload(phase: 'model' | 'shards', force: boolean): void {
    let loaded = this.#downloaded;
    for (const bytes of this.#inFlight.values()) loaded += bytes;
    const loadedBytes = Math.min(loaded, this.#downloadTotal);
    this.#reporter?.report(
      'downloading',
      { phase, loadedBytes, totalBytes: this.#downloadTotal },
      force,
    );
  }

  #reportRead(): void {
    const progress = { phase: 'indexing' as const, loadedBytes: this.#read };
    this.#reporter?.report('indexing', {
      ...progress,
      totalBytes: this.#readTotal,
      items: this.indexed,
    });
  }
}
