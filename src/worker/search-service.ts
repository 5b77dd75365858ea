/**
 * What the worker answers: catalog snapshots for the page, photo searches (decode or kept pixels,
 * crop, embed, rank) in one call each, word searches, "more like this" and thumbnails. Catalog
 * loading and updates live in CatalogLifecycle; every search ends in the one ranking path, #rank.
 */
import { instanceQueryFor } from '../shared/search/instance-first.ts';
import { labelRerankerFor, searchWithLabels } from '../shared/search/label-rerank.ts';
import type { RgbaImage } from '../shared/preprocess/rgba-image.ts';
import { combineQuery } from '../shared/search/combine-query.ts';
import { MAX_K, type FlatIndex, type SearchResult } from '../shared/search/flat-index.ts';
import type { TextQuery } from '../shared/search/text-query.ts';
import type {
  CatalogInfo,
  CatalogSnapshot,
  GpuPreference,
  LoadUpdate,
  PhotoComparison,
  PhotoOutcome,
  PhotoSource,
  PictureProgress,
  Rect,
  ResultItem,
  SearchOptions,
  SearchOutcome,
} from '../engine-api/api-types.ts';
import { canRun } from './catalog/loader.ts';
import { savePictures } from './catalog/picture-download.ts';
import { CatalogLifecycle, type ActiveCatalog } from './catalog/lifecycle.ts';
import { EngineError } from './errors.ts';
import type { QueryModel } from './models/query-model.ts';
import { configuredOrt } from './models/ort-env.ts';
import { cropPixels } from './query/crop-pixels.ts';
import { IndexFilters } from './query/index-filters.ts';
import { KeptPhoto } from './query/kept-photo.ts';
import { KeywordSearch } from './query/keyword-search.ts';

const now = () => performance.now();

/** Models one Compare call may run (each is a full embed and scan). */
const MAX_COMPARED = 4;

/** The model and index a search runs on. */
interface Pick {
  modelId: string;
  index: FlatIndex;
}

/** What the ranking path ranks by: a query vector, an item's stored vector, or keyword matches. */
type RankBy = { vector: Float32Array } | { item: number } | { keywords: TextQuery };

/** One model run: how to fill the input tensor (photos) and how to embed. */
interface ModelRun {
  preprocess?: (model: QueryModel) => void;
  embed: (model: QueryModel, signal?: AbortSignal) => Promise<Float32Array>;
  /** When this outcome's clock started (the call's arrival, so a decode counts in `total`). */
  since: number;
  decodeMs: number;
}

export class SearchService {
  #catalogs = new CatalogLifecycle();
  #photos = new KeptPhoto((index) => this.thumbnail(index));
  /** Model runs one at a time, so an aborted query can be skipped before it starts. */
  #queue: Promise<unknown> = Promise.resolve();
  #filters = new IndexFilters();
  #keywords = new KeywordSearch();
  #saving: Promise<PictureProgress> | undefined;
  #gpu: GpuPreference = 'auto';

  /**
   * Loads the catalog and models once (`appUrl`: the page's base URL; a failed start may be
   * retried). `onCatalogChange` gets the new snapshot after a background update swapped in.
   * After "ready", each loaded model tries WebGPU as `gpu` allows, searching on WASM meanwhile.
   */
  async start(
    appUrl: string,
    onUpdate: (update: LoadUpdate) => void,
    onCatalogChange: (snapshot: CatalogSnapshot) => void,
    gpu: GpuPreference = 'auto',
  ): Promise<CatalogSnapshot> {
    this.#gpu = gpu;
    await this.#catalogs.start(appUrl, onUpdate, (retired) => {
      onCatalogChange(this.#snapshot());
      // Disposed in turn after any query still using them.
      void this.#exclusive(() => Promise.all(retired.map((model) => model.dispose())));
      this.#accelerate();
    });
    this.#accelerate();
    return this.#snapshot();
  }

  /** Lets every loaded model try its faster backend (once each; a model's own attempt). */
  #accelerate(): void {
    for (const entry of this.#catalogs.current?.runtimes.values() ?? []) {
      void entry.runtime.then((model) => model.accelerate(this.#gpu)).catch(() => undefined);
    }
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

  /**
   * A photo search in one call: decodes a new `source` (and keeps it), or takes the kept
   * pixels, then crops, embeds and ranks. Rejects with an AbortError once `signal` aborts.
   */
  async searchPhoto(
    source: PhotoSource,
    crop: Rect | null,
    options: SearchOptions,
    signal?: AbortSignal,
  ): Promise<PhotoOutcome> {
    const { photo, outcomes } = await this.#photoSearches(source, crop, [options], signal);
    return { ...outcomes[0], photo };
  }

  /**
   * The same photo, cropped once, searched with each model in turn (Compare): the same path as
   * `searchPhoto` per model, so each outcome equals that model's own search.
   */
  async comparePhoto(
    source: PhotoSource,
    crop: Rect | null,
    options: SearchOptions,
    modelIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<PhotoComparison> {
    if (modelIds.length < 1 || modelIds.length > MAX_COMPARED) {
      throw new EngineError(`Compare takes 1 to ${MAX_COMPARED} models.`);
    }
    const each = modelIds.map((modelId) => ({ ...options, modelId }));
    return this.#photoSearches(source, crop, each, signal);
  }

  async #photoSearches(
    source: PhotoSource,
    crop: Rect | null,
    each: SearchOptions[],
    signal?: AbortSignal,
  ): Promise<PhotoComparison> {
    let since = now();
    const catalog = this.#ready();
    // Synchronously, as the call arrives: the kept photo is the latest one sent.
    const taken = this.#photos.take(source);
    // Awaited below; a pick that throws first must not leave it unhandled.
    taken.catch(() => undefined);
    const picks = await Promise.all(each.map((options) => this.#pick(catalog, options)));
    const { id, image, decodeMs, preview } = await taken;
    signal?.throwIfAborted();
    const pixels = cropPixels(crop, image.width, image.height);
    const outcomes: SearchOutcome[] = [];
    for (const [i, pick] of picks.entries()) {
      const run = photoRun(image, pixels, each[i], since, i === 0 ? decodeMs : 0);
      outcomes.push(await this.#modelSearch(catalog, pick, each[i], run, signal));
      since = now();
    }
    const photo = { id, width: image.width, height: image.height, preview };
    return { photo, outcomes };
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
    const since = now();
    signal?.throwIfAborted();
    const catalog = this.#ready();
    const words = text.trim();
    if (!words) throw new EngineError('Type what you are looking for.');
    const pick = await this.#pick(catalog, options);
    const model = await catalog.runtimes.get(pick.modelId)?.runtime;
    if (model?.embedText) {
      const run: ModelRun = { embed: (m) => m.embedText!(words), since, decodeMs: 0 };
      return this.#modelSearch(catalog, pick, options, run, signal);
    }
    const reading = this.#keywords.read(catalog.items, text);
    const outcome = this.#storedSearch(catalog, pick, options, { keywords: reading }, since);
    return { ...outcome, keywords: { terms: reading.terms, leftover: reading.leftover } };
  }

  /** Searches with an item's stored vector (no model run), leaving the item itself out. */
  async moreLikeThis(item: string | number, options: SearchOptions): Promise<SearchOutcome> {
    const since = now();
    const catalog = this.#ready();
    const at = typeof item === 'number' ? item : catalog.items.ids.indexOf(item);
    if (!Number.isInteger(at) || at < 0 || at >= catalog.manifest.count) {
      throw new EngineError(`The catalog has no item ${item}.`);
    }
    const pick = await this.#pick(catalog, options);
    return this.#storedSearch(catalog, pick, options, { item: at }, since);
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
  async loadModel(modelId: string, onUpdate?: (update: LoadUpdate) => void): Promise<void> {
    await this.#catalogs.ensureModel(modelId, onUpdate);
    this.#accelerate();
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

  /** A query model's run, one at a time, then the ranking; stops early once `signal` aborts. */
  async #modelSearch(
    catalog: ActiveCatalog,
    pick: Pick,
    options: SearchOptions,
    run: ModelRun,
    signal?: AbortSignal,
  ): Promise<SearchOutcome> {
    const model = await catalog.runtimes.get(pick.modelId)!.runtime;
    return this.#exclusive(async () => {
      signal?.throwIfAborted();
      const t0 = now();
      run.preprocess?.(model);
      const t1 = now();
      signal?.throwIfAborted();
      const vector = await run.embed(model, signal);
      const t2 = now();
      signal?.throwIfAborted();
      const results = this.#rank(catalog, pick, options, { vector });
      const t3 = now();
      const timings = {
        decode: run.decodeMs,
        preprocess: t1 - t0,
        embed: t2 - t1,
        search: t3 - t2,
      };
      const embeddedOn = model.backend();
      return { results, timings: { ...timings, total: t3 - run.since }, embeddedOn };
    });
  }

  /** A search with no model run (stored vectors, keyword matches): all its time is search. */
  #storedSearch(
    catalog: ActiveCatalog,
    pick: Pick,
    options: SearchOptions,
    by: RankBy,
    since: number,
  ): SearchOutcome {
    const results = this.#rank(catalog, pick, options, by);
    const search = now() - since;
    return { results, timings: { decode: 0, preprocess: 0, embed: 0, search, total: search } };
  }

  /**
   * The one ranking path: the shopper's filters, the top `k` by cosine after the label vote, and
   * first the best instance match when the model declares an instance part; as result items.
   */
  #rank(catalog: ActiveCatalog, { modelId, index }: Pick, options: SearchOptions, by: RankBy) {
    const { items } = catalog;
    let hits: SearchResult;
    if ('keywords' in by) {
      hits = this.#keywords.search(index, items, by.keywords, options.filters, options.k);
      this.#filters.forget(index);
    } else {
      this.#filters.apply(items, index, options.filters);
      const spec = catalog.manifest.models.find((m) => m.spec.id === modelId)!.spec;
      const scan = 'vector' in by ? { filter: true } : { filter: true, exclude: by.item };
      // An item's stored vector is read back only for a model with an instance part.
      const instance = spec.output.instance
        ? instanceQueryFor(spec, 'vector' in by ? by.vector : index.vector(by.item), index, scan)
        : null;
      hits = searchWithLabels(
        labelRerankerFor(items),
        options.k,
        (depth) =>
          'vector' in by
            ? index.search(by.vector, depth, scan)
            : index.searchByIndex(by.item, depth, scan),
        instance,
      );
    }
    return toResults(catalog, hits.indices, hits.scores);
  }

  async #pick(catalog: ActiveCatalog, options: SearchOptions): Promise<Pick> {
    if (!Number.isInteger(options.k) || options.k < 1 || options.k > MAX_K) {
      throw new EngineError(`Top-K must be a whole number from 1 to ${MAX_K}.`);
    }
    const modelId = options.modelId ?? catalog.indexes.keys().next().value!;
    const known = catalog.manifest.models.some((m) => m.spec.id === modelId && canRun(m));
    // A model not loaded yet downloads now (the page shows its progress through loadModel).
    if (known && !catalog.indexes.has(modelId)) await this.loadModel(modelId);
    const index = catalog.indexes.get(modelId);
    if (!index) throw new EngineError(`The catalog has no model ${modelId}.`);
    return { modelId, index };
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** A photo's model run: the (cropped) pixels into the tensor, then the image embedding, mixed
 * with the words' embedding when the options carry words and the model reads them. */
function photoRun(
  image: RgbaImage,
  pixels: ReturnType<typeof cropPixels>,
  options: SearchOptions,
  since: number,
  decodeMs: number,
): ModelRun {
  return {
    preprocess: (model) => model.preprocess(image, pixels),
    async embed(model, signal) {
      const vector = await model.embed();
      const words = options.text?.trim();
      if (!words || !model.embedText) return vector;
      signal?.throwIfAborted();
      const text = await model.embedText(words);
      return combineQuery(vector, text, checkedWeight(options.textWeight));
    },
    since,
    decodeMs,
  };
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
