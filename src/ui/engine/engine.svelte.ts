/**
 * The page's search engine: owns the search worker, mirrors its loading state in runes, checks
 * query files, keeps only the latest search (a superseded one resolves to null), caches
 * decoded thumbnails and keeps the session's latency statistics.
 */
import { proxy, transfer, type Remote } from 'comlink';
import { registerAbortTransfer, releaseAbortSignal } from '../../engine-api/abort-transfer.ts';
import type { CatalogSnapshot, ItemColumns, QueryPhoto } from '../../engine-api/api-types.ts';
import { MAX_QUERY_BYTES, tooLargeMessage } from '../../engine-api/limits.ts';
import type { SearchApi } from '../../worker/search.worker.ts';
import { ThumbnailPool } from '../common/thumbnail-pool.ts';
import { gpuPreference } from './gpu-preference.ts';
import { afterNextPaint } from './after-paint.ts';
import { IdleGate } from './idle-gate.ts';
import { browserConnection, pictureSaving } from '../status/picture-policy.ts';
import type {
  CatalogInfo,
  CatalogItem,
  EngineStatus,
  LoadProgress,
  PhotoComparison,
  PhotoOutcome,
  PhotoSource,
  PictureProgress,
  Rect,
  SearchOptions,
  SearchOutcome,
  Timings,
} from './engine-types.ts';
import { latencyStats } from './latency-stats.ts';
import { openSearchWorker, type WorkerLink } from './search-worker.ts';

registerAbortTransfer();

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Whether this catalog's pictures may download for offline use without asking. */
const autoSave = (info: CatalogInfo) =>
  pictureSaving(info.pictureBytes, browserConnection()).mode === 'auto';

export class SearchEngine {
  #timings = $state.raw<Timings[]>([]);
  status = $state<EngineStatus>('loading');
  progress = $state<LoadProgress | null>(null);
  /** Why loading failed (status 'error'); query errors reject their call instead. */
  error = $state<string | null>(null);
  info = $state.raw<CatalogInfo | null>(null);
  /** The background download of pictures for offline use ('waiting': for the shopper's go). */
  pictures = $state.raw<PictureProgress | null>(null);
  /** Download progress of models loading on demand, by id. */
  modelLoads = $state.raw<Record<string, LoadProgress | null>>({});
  #loadedModels = $state.raw<string[]>([]);
  /** Per-stage p50/p95 over this session's photo searches (not "more like this"). */
  stats = $derived(latencyStats(this.#timings));
  ready = $derived(this.status === 'ready');

  #open: () => WorkerLink;
  #worker: WorkerLink | null = null;
  #api: Remote<SearchApi> | null = null;
  #started: Promise<void> | undefined;
  #items: ItemColumns | null = null;
  #indexById: Map<string, number> | null = null;
  /** Searches in flight: result pictures are read and decoded only between them. */
  #searching = new IdleGate();
  #thumbs = new ThumbnailPool(
    async (index) => {
      await this.#searching.idle();
      const blob = await this.#readyApi().thumbnail(index);
      await this.#searching.idle();
      return createImageBitmap(blob, {
        premultiplyAlpha: 'premultiply',
        colorSpaceConversion: 'none',
      });
    },
    (bitmap: ImageBitmap) => bitmap.close(),
  );
  /**
   * The search in flight. "Only the latest search counts" lives here and nowhere else: the page
   * alone knows the order the shopper asked in, and when an answer arrives whether a newer call
   * was made meanwhile (the worker may already have sent it). Aborting lets the worker skip the
   * superseded call's remaining model work; the answer of a superseded call is dropped.
   */
  #inFlight: AbortController | null = null;

  /** `open` starts the worker (a fake in unit tests). */
  constructor(open: () => WorkerLink = openSearchWorker) {
    this.#open = open;
  }

  /**
   * Starts the worker and loads the catalog; after an error, calling again retries. A load cut
   * off by a lost connection resumes by itself once the device is back online (verified files
   * are kept, so only the rest is downloaded).
   */
  start(): Promise<void> {
    this.#started ??= this.#start().catch((error: unknown) => {
      this.#started = undefined;
      this.status = 'error';
      this.error = error instanceof Error ? error.message : String(error);
      if (navigator.onLine) return;
      this.error += ' Loading continues when you are back online.';
      window.addEventListener('online', this.#resume, { once: true });
    });
    return this.#started;
  }

  #resume = () => void this.start();

  async #start(): Promise<void> {
    this.status = 'loading';
    this.error = null;
    // Ask the browser not to evict the catalog under storage pressure; a refusal is fine.
    navigator.storage?.persist?.().catch(() => false);
    const api = this.#connect();
    const snapshot = await api.start(
      { appUrl: document.baseURI, gpu: gpuPreference(document.baseURI) },
      proxy(({ status, progress }) => {
        if (this.status === 'ready') return;
        this.status = status;
        this.progress = progress;
      }),
      proxy((next: CatalogSnapshot) => {
        this.#show(next);
        // A new catalog version has its own pictures to save.
        this.#startPictures(api, autoSave(next.info));
      }),
    );
    this.#show(snapshot);
    this.progress = null;
    this.status = 'ready';
    this.#startPictures(api, autoSave(snapshot.info));
  }

  /** Counts the stored pictures, and saves the rest when `go` (else waits for savePictures). */
  #startPictures(api: Remote<SearchApi>, go: boolean): void {
    api
      .savePictures(
        proxy((progress: PictureProgress) => (this.pictures = progress)),
        go,
      )
      .then((progress) => (this.pictures = progress))
      .catch((error: unknown) => console.warn('Saving pictures failed:', error));
  }

  savePictures(): void {
    if (this.#api && this.status === 'ready') this.#startPictures(this.#api, true);
  }

  modelLoaded(modelId: string): boolean {
    return this.#loadedModels.includes(modelId);
  }

  /** Loads a model on demand with progress in `modelLoads`; the current one keeps searching. */
  async loadModel(modelId: string): Promise<void> {
    if (this.modelLoaded(modelId)) return;
    const api = this.#readyApi();
    this.modelLoads = { ...this.modelLoads, [modelId]: null };
    try {
      await api.loadModel(
        modelId,
        proxy(({ progress }) => (this.modelLoads = { ...this.modelLoads, [modelId]: progress })),
      );
      this.#loadedModels = [...this.#loadedModels, modelId];
    } finally {
      this.modelLoads = Object.fromEntries(
        Object.entries(this.modelLoads).filter(([id]) => id !== modelId),
      );
    }
  }

  #connect(): Remote<SearchApi> {
    if (this.#api) return this.#api;
    const worker = this.#open();
    worker.onError((message) => {
      // After ready, calls report their own errors; this is an unexpected one, worth a log.
      if (this.status === 'ready') return console.warn('Search worker error:', message);
      // Before ready, the worker could not start (its script failed to load or crashed):
      // the pending start will never answer, so start over with a new worker on retry.
      worker.terminate();
      this.#api = null;
      this.#worker = null;
      this.#started = undefined;
      this.status = 'error';
      this.error = `The search engine could not start${message ? `: ${message}` : ''}.`;
    });
    this.#worker = worker;
    this.#api = worker.api;
    return this.#api;
  }

  #show({ info, items }: CatalogSnapshot): void {
    // Item indices change with the catalog version: object URLs are made again.
    this.#thumbs.clear();
    this.#items = items;
    this.#indexById = null;
    this.info = info;
    this.#loadedModels = info.loadedModels;
  }

  #readyApi(): Remote<SearchApi> {
    if (this.status !== 'ready' || !this.#api) {
      throw namedError('EngineError', 'The catalog is still loading.');
    }
    return this.#api;
  }

  /**
   * A photo search in one worker call (decode or kept pixels, crop, embed, rank); null when a
   * newer search superseded it. A file over 20 MB is refused before it is read; a camera frame
   * is transferred (unusable here afterwards).
   */
  async searchPhoto(
    source: PhotoSource,
    crop: Rect | null,
    options: SearchOptions,
  ): Promise<PhotoOutcome | null> {
    const outcome = await this.#latestOnly(
      (api, signal) => api.searchPhoto(sendable(source), crop, options, signal),
      closePreview,
    );
    // Only searches whose results are shown count towards the session's latency.
    if (outcome) this.#timings = [...this.#timings, outcome.timings];
    return outcome;
  }

  /**
   * The photo searched with each model in `modelIds` (Compare), one outcome per model, in order;
   * null when a newer search superseded it. Not counted in the session's latency statistics,
   * which describe single-model searches.
   */
  comparePhoto(
    source: PhotoSource,
    crop: Rect | null,
    modelIds: readonly string[],
    options: SearchOptions,
  ): Promise<PhotoComparison | null> {
    return this.#latestOnly(
      (api, signal) => api.comparePhoto(sendable(source), crop, options, [...modelIds], signal),
      closePreview,
    );
  }

  /** Items matching words (a text embedding, or keyword filters); null when superseded. */
  searchText(text: string, options: SearchOptions): Promise<SearchOutcome | null> {
    return this.#latestOnly((api, signal) => api.searchText(text, options, signal));
  }

  /** Items like a catalog item (by index or id), from its stored vector; null when superseded. */
  moreLikeThis(item: number | string, options: SearchOptions): Promise<SearchOutcome | null> {
    return this.#latestOnly((api) => api.moreLikeThis(item, options));
  }

  /** Drops the search in flight: its call resolves to null. */
  cancel(): void {
    this.#inFlight?.abort(new DOMException('Superseded by a newer search', 'AbortError'));
    this.#inFlight = null;
  }

  async #latestOnly<T>(
    run: (api: Remote<SearchApi>, signal: AbortSignal) => Promise<T>,
    dropped?: (outcome: T) => void,
  ): Promise<T | null> {
    this.cancel();
    const controller = new AbortController();
    this.#inFlight = controller;
    const done = this.#searching.enter();
    try {
      const outcome = await run(this.#readyApi(), controller.signal);
      if (!controller.signal.aborted) return outcome;
      dropped?.(outcome);
      return null;
    } catch (error) {
      if (controller.signal.aborted) return null;
      throw error;
    } finally {
      // Pictures wait for the frame that shows the results too: read and decoded while that
      // frame is drawn, they delayed it (docs/latency.md, "Results first, then pictures").
      void afterNextPaint().then(done);
      releaseAbortSignal(controller.signal);
      if (this.#inFlight === controller) this.#inFlight = null;
    }
  }

  /**
   * The item's decoded thumbnail, shared by every card showing it; release it when the card goes
   * (draw it, never close it). A bounded number of released ones is kept for cards that come back.
   */
  thumbnail(index: number): Promise<ImageBitmap> {
    return this.#thumbs.acquire(index);
  }

  releaseThumbnail(index: number): void {
    this.#thumbs.release(index);
  }

  /** The item at `index` of the current catalog; throws a RangeError for an index it lacks. */
  item(index: number): CatalogItem {
    const items = this.#items;
    if (!items || !Number.isInteger(index) || index < 0 || index >= items.ids.length) {
      throw new RangeError(`The catalog has no item at ${index}.`);
    }
    const fields: Record<string, string> = {};
    for (const [name, column] of Object.entries(items.fields)) fields[name] = column[index];
    return { index, id: items.ids[index], fields };
  }

  /** The index of the item with this id (e.g. from a share link), or null. */
  indexOf(id: string): number | null {
    if (!this.#items) return null;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup table, not state
    this.#indexById ??= new Map(this.#items.ids.map((itemId, index) => [itemId, index]));
    return this.#indexById.get(id) ?? null;
  }

  /** `n` distinct random item indices (fewer if the catalog is smaller). */
  sampleIndices(n: number): number[] {
    const count = this.#items?.ids.length ?? 0;
    const want = Math.min(Math.max(0, Math.floor(n)), count);
    // Partial Fisher-Yates over the index range: distinct picks, no retries.
    const order = Array.from({ length: count }, (_, i) => i);
    for (let i = 0; i < want; i++) {
      const j = i + Math.floor(Math.random() * (count - i));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order.slice(0, want);
  }

  /** Stops the worker and frees the thumbnails. */
  dispose(): void {
    window.removeEventListener('online', this.#resume);
    this.cancel();
    this.#thumbs.clear();
    this.#worker?.terminate();
    this.#worker = null;
    this.#api = null;
    this.#started = undefined;
    this.status = 'loading';
  }
}

/** The source as it crosses to the worker: a file over the limit is refused here, unread. */
function sendable(source: PhotoSource): PhotoSource {
  if (source.kind === 'file' && source.blob.size > MAX_QUERY_BYTES) {
    throw namedError('ImageTooLargeError', tooLargeMessage(source.blob.size));
  }
  return source.kind === 'frame' ? transfer(source, [source.bitmap]) : source;
}

/** A superseded photo answer's bitmap: nothing will show it, so its pixels go now. */
function closePreview(answer: { photo: QueryPhoto }): void {
  answer.photo.preview?.close();
}
