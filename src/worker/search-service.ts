/**
 * What the worker answers: catalog snapshots for the page, the latest decoded query photo,
 * photo searches (crop, embed, scan), "more like this" and thumbnails. Catalog loading and
 * updates live in CatalogLifecycle.
 */
import type { RgbaImage } from '../shared/preprocess/rgba-image.ts';
import { combineQuery } from '../shared/search/combine-query.ts';
import { buildFilterMask } from '../shared/search/filter.ts';
import { MAX_K, type FlatIndex } from '../shared/search/flat-index.ts';
import type {
  CatalogInfo,
  CatalogSnapshot,
  LoadUpdate,
  PictureProgress,
  QueryImage,
  Rect,
  ResultItem,
  SearchOptions,
  SearchOutcome,
} from '../engine-api/api-types.ts';
import { canRun } from './catalog/loader.ts';
import { savePictures } from './catalog/picture-download.ts';
import { CatalogLifecycle, type ActiveCatalog } from './catalog/lifecycle.ts';
import { cropPixels } from './query/crop-pixels.ts';
import { EngineError } from './errors.ts';
import { KeywordSearch } from './query/keyword-search.ts';
import { configuredOrt } from './models/ort-env.ts';
import { decodeQueryPhoto } from './query/query-photo.ts';

interface QueryPhoto {
  id: number;
  image: RgbaImage;
  decodeMs: number;
  /** The first search of a photo reports its decode time; crops after it report 0. */
  decodeReported: boolean;
}

const now = () => performance.now();

/** Models one Compare call may run (each is a full embed and scan). */
const MAX_COMPARED = 4;

export class SearchService {
  #catalogs = new CatalogLifecycle();
  #query: QueryPhoto | null = null;
  #queryIds = 0;
  /** Model runs one at a time, so an aborted query can be skipped before it starts. */
  #queue: Promise<unknown> = Promise.resolve();
  /** The filter each index holds, as a canonical key, so masks are rebuilt only on change. */
  #filterKeys = new WeakMap<FlatIndex, string>();
  #maskBuffer: Uint8Array | undefined;
  #keywords = new KeywordSearch();
  #saving: Promise<PictureProgress> | undefined;

  /**
   * Loads the catalog and models once (`appUrl`: the page's base URL; a failed start may be
   * retried). `onCatalogChange` gets the new snapshot after a background update swapped in.
   */
  async start(
    appUrl: string,
    onUpdate: (update: LoadUpdate) => void,
    onCatalogChange: (snapshot: CatalogSnapshot) => void,
  ): Promise<CatalogSnapshot> {
    await this.#catalogs.start(appUrl, onUpdate, (retired) => {
      onCatalogChange(this.#snapshot());
      // Disposed in turn after any query still using them.
      void this.#exclusive(() => Promise.all(retired.map((runtime) => runtime.dispose())));
    });
    return this.#snapshot();
  }

  #snapshot(): CatalogSnapshot {
    const catalog = this.#ready();
    const first = catalog.indexes.values().next().value!;
    const info: CatalogInfo = {
      version: catalog.manifest.version,
      count: catalog.manifest.count,
      fields: catalog.fields,
      models: catalog.manifest.models.filter(canRun).map(({ spec, dim }) => ({
        id: spec.id,
        name: spec.name,
        dim,
        towers: spec.towers,
      })),
      storage: this.#catalogs.storage,
      notice: this.#catalogs.notice,
      backend: first.backend,
      threads: configuredOrt().threads,
      pictureBytes: catalog.pictures.packs.reduce((sum, file) => sum + file.ref.bytes, 0),
      loadedModels: [...catalog.indexes.keys()],
    };
    return { info, items: { ids: catalog.items.ids, fields: catalog.items.fields } };
  }

  #ready(): ActiveCatalog {
    const catalog = this.#catalogs.current;
    if (!catalog) throw new EngineError('The catalog is still loading.');
    return catalog;
  }

  /** Decodes the photo once and keeps it (only the latest) for searches and re-crops. */
  async setQueryImage(source: Blob | ImageBitmap): Promise<QueryImage> {
    const id = ++this.#queryIds;
    const started = now();
    const image = await decodeQueryPhoto(source);
    const decodeMs = now() - started;
    // A photo that finished decoding after a newer one was chosen is not kept.
    if (!this.#query || this.#query.id < id) {
      this.#query = { id, image, decodeMs, decodeReported: false };
    }
    return { queryId: id, width: image.width, height: image.height };
  }

  /** Crops the kept photo, embeds it and scans the index; stops early once `signal` aborts. */
  async searchImage(
    queryId: number,
    crop: Rect | null,
    options: SearchOptions,
    signal?: AbortSignal,
  ): Promise<SearchOutcome> {
    const started = now();
    const catalog = this.#ready();
    const query = this.#query;
    if (!query || query.id !== queryId) {
      throw new EngineError('That photo is no longer loaded: choose it again.');
    }
    const { modelId, index } = await this.#pick(catalog, options);
    const pixels = cropPixels(crop, query.image.width, query.image.height);
    const runtime = await catalog.runtimes.get(modelId)!.runtime;
    return this.#exclusive(async () => {
      signal?.throwIfAborted();
      const t0 = now();
      runtime.preprocess(query.image, pixels);
      const t1 = now();
      signal?.throwIfAborted();
      let vector = await runtime.embed();
      const words = options.text?.trim();
      if (words && runtime.embedText) {
        signal?.throwIfAborted();
        const text = await runtime.embedText(words);
        vector = combineQuery(vector, text, checkedWeight(options.textWeight));
      }
      const t2 = now();
      signal?.throwIfAborted();
      this.#applyFilter(catalog, index, options.filters);
      const hits = index.search(vector, options.k, { filter: true });
      const results = toResults(catalog, hits.indices, hits.scores);
      const t3 = now();
      const decode = query.decodeReported ? 0 : query.decodeMs;
      query.decodeReported = true;
      const timings = {
        decode,
        preprocess: t1 - t0,
        embed: t2 - t1,
        search: t3 - t2,
        total: decode + t3 - started,
      };
      return { results, timings };
    });
  }

  /**
   * The kept photo, cropped once, searched with each model in turn (the Compare view): the same
   * path as `searchImage` per model, so each outcome equals that model's own search.
   */
  async compareImage(
    queryId: number,
    crop: Rect | null,
    options: SearchOptions,
    modelIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<SearchOutcome[]> {
    if (modelIds.length < 1 || modelIds.length > MAX_COMPARED) {
      throw new EngineError(`Compare takes 1 to ${MAX_COMPARED} models.`);
    }
    const outcomes: SearchOutcome[] = [];
    for (const modelId of modelIds) {
      outcomes.push(await this.searchImage(queryId, crop, { ...options, modelId }, signal));
    }
    return outcomes;
  }

  /**
   * Searches with words: a text-tower model embeds them; a model without one answers with the
   * keyword fallback (the words become metadata filters, the matches ranked by their centroid).
   */
  async searchText(
    text: string,
    options: SearchOptions,
    signal?: AbortSignal,
  ): Promise<SearchOutcome> {
    const started = now();
    signal?.throwIfAborted();
    const catalog = this.#ready();
    if (!text.trim()) throw new EngineError('Type what you are looking for.');
    const { modelId, index } = await this.#pick(catalog, options);
    const runtime = await catalog.runtimes.get(modelId)?.runtime;
    if (runtime?.embedText) {
      const embedText = runtime.embedText.bind(runtime);
      return this.#exclusive(async () => {
        signal?.throwIfAborted();
        const t0 = now();
        const vector = await embedText(text.trim());
        const t1 = now();
        signal?.throwIfAborted();
        this.#applyFilter(catalog, index, options.filters);
        const hits = index.search(vector, options.k, { filter: true });
        const results = toResults(catalog, hits.indices, hits.scores);
        const t2 = now();
        const timings = { decode: 0, preprocess: 0, embed: t1 - t0, search: t2 - t1 };
        return { results, timings: { ...timings, total: t2 - started } };
      });
    }
    const reading = this.#keywords.read(catalog.items, text);
    const hits = this.#keywords.search(index, catalog.items, reading, options.filters, options.k);
    // The index now holds the keyword mask: the next filtered search must set its own again.
    this.#filterKeys.delete(index);
    const results = toResults(catalog, hits.indices, hits.scores);
    const search = now() - started;
    return {
      results,
      timings: { decode: 0, preprocess: 0, embed: 0, search, total: search },
      keywords: { terms: reading.terms, leftover: reading.leftover },
    };
  }

  /** Searches with an item's stored vector (no model run), leaving the item itself out. */
  async moreLikeThis(item: string | number, options: SearchOptions): Promise<SearchOutcome> {
    const catalog = this.#ready();
    const at = typeof item === 'number' ? item : catalog.items.ids.indexOf(item);
    if (!Number.isInteger(at) || at < 0 || at >= catalog.manifest.count) {
      throw new EngineError(`The catalog has no item ${item}.`);
    }
    const { index } = await this.#pick(catalog, options);
    const started = now();
    this.#applyFilter(catalog, index, options.filters);
    const hits = index.searchByIndex(at, options.k, { filter: true, exclude: at });
    const results = toResults(catalog, hits.indices, hits.scores);
    const search = now() - started;
    return { results, timings: { decode: 0, preprocess: 0, embed: 0, search, total: search } };
  }

  /**
   * The item's WebP thumbnail: a slice of its stored pack, or fetched on demand (verified, then
   * stored). Rejects when it cannot be had now (offline): the page keeps its colour placeholder.
   */
  async thumbnail(index: number): Promise<Blob> {
    const catalog = this.#ready();
    if (!catalog.items.thumbs[index]) throw new EngineError(`The catalog has no item at ${index}.`);
    return catalog.pictures.picture(index);
  }

  /**
   * Loads another model (its files, shards and session) so searches can use it; `onUpdate`
   * gets its download progress. Searches with loaded models run meanwhile.
   */
  loadModel(modelId: string, onUpdate?: (update: LoadUpdate) => void): Promise<void> {
    return this.#catalogs.ensureModel(modelId, onUpdate);
  }

  /**
   * Saves every picture for offline use in the background (only counts them unless `go`),
   * pausing while searches run; resolves with the final state. One run at a time.
   */
  savePictures(
    onProgress: (progress: PictureProgress) => void,
    go: boolean,
  ): Promise<PictureProgress> {
    const catalog = this.#ready();
    this.#saving ??= savePictures(catalog.pictures, () => this.#idle(), onProgress, go).finally(
      () => (this.#saving = undefined),
    );
    return this.#saving;
  }

  /** Resolves once no model run is queued (the background download waits for searches). */
  async #idle(): Promise<void> {
    for (let queue = this.#queue; ; queue = this.#queue) {
      await queue;
      if (queue === this.#queue) return;
    }
  }

  async #pick(
    catalog: ActiveCatalog,
    options: SearchOptions,
  ): Promise<{ modelId: string; index: FlatIndex }> {
    if (!Number.isInteger(options.k) || options.k < 1 || options.k > MAX_K) {
      throw new EngineError(`Top-K must be a whole number from 1 to ${MAX_K}.`);
    }
    const modelId = options.modelId ?? catalog.indexes.keys().next().value!;
    const known = catalog.manifest.models.some((m) => m.spec.id === modelId && canRun(m));
    // A model not loaded yet downloads now (the page shows its progress through loadModel).
    if (known && !catalog.indexes.has(modelId)) await this.#catalogs.ensureModel(modelId);
    const index = catalog.indexes.get(modelId);
    if (!index) throw new EngineError(`The catalog has no model ${modelId}.`);
    return { modelId, index };
  }

  /** Sets the index's filter mask, rebuilding it only when the selection changed. */
  #applyFilter(catalog: ActiveCatalog, index: FlatIndex, filters: Record<string, string[]>) {
    const entries = Object.entries(filters)
      .filter(([, values]) => values.length > 0)
      .map(([field, values]) => [field, [...values].sort()] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const key = JSON.stringify(entries);
    if (this.#filterKeys.get(index) === key) return;
    for (const [field] of entries) {
      if (!(field in catalog.items.fields)) {
        throw new EngineError(`The catalog has no field ${field}.`);
      }
    }
    // Null when nothing is constrained; the mask buffer is reused across selections.
    const mask = buildFilterMask(catalog.items, Object.fromEntries(entries), this.#maskBuffer);
    if (mask) this.#maskBuffer = mask;
    index.setFilter(mask);
    this.#filterKeys.set(index, key);
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function checkedWeight(weight: number | undefined): number {
  const w = weight ?? 0.5;
  if (!(w >= 0 && w <= 1)) throw new EngineError('The text weight must lie between 0 and 1.');
  return w;
}

function toResults(catalog: ActiveCatalog, indices: Int32Array, scores: Float32Array) {
  const { ids, fields } = catalog.items;
  const names = Object.keys(fields);
  return Array.from(indices, (index, rank): ResultItem => ({
    rank: rank + 1,
    index,
    id: ids[index],
    // int8 rounding can push a near-duplicate's estimate a hair past 1: keep it a cosine.
    score: Math.min(1, Math.max(-1, scores[rank])),
    fields: Object.fromEntries(names.map((name) => [name, fields[name][index]])),
  }));
}
