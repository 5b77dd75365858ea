/**
 * The worker's state and behaviour behind the comlink API: loads the catalog (stored or
 * downloaded), keeps one ONNX session per model and one index per model, keeps the latest
 * decoded query photo, and answers searches. Swaps in a newer catalog once it is complete.
 */
import type { CatalogManifest } from '../shared/catalog/manifest.ts';
import { parseManifest } from '../shared/catalog/validate-manifest.ts';
import type { RgbaImage } from '../shared/preprocess/rgba-image.ts';
import { buildFilterMask } from '../shared/search/filter.ts';
import type { FlatIndex } from '../shared/search/flat-index.ts';
import { IdbCatalogStore } from '../storage/catalog-store.ts';
import { CatalogSource } from '../storage/catalog-source.ts';
import { CatalogError } from '../storage/errors.ts';
import { fetchManifest } from '../storage/fetch-manifest.ts';
import type {
  CatalogInfo,
  ItemColumns,
  LoadUpdate,
  QueryImage,
  Rect,
  ResultItem,
  SearchOptions,
  SearchOutcome,
} from './api-types.ts';
import { canRun, loadCatalog, type LoadContext, type LoadedCatalog } from './catalog-loader.ts';
import { cropPixels } from './crop-pixels.ts';
import { EngineError } from './errors.ts';
import { LoadReporter } from './load-reporter.ts';
import { ModelRuntime } from './model-runtime.ts';
import { configuredOrt } from './ort-env.ts';
import { decodeQueryPhoto } from './query-photo.ts';

export interface StartOptions {
  /** The app's base URL (the page's `document.baseURI`): catalog and models resolve against it. */
  appUrl: string;
}

/** What `start` resolves to, and what a catalog swap sends: enough for the page to show it. */
export interface CatalogSnapshot {
  info: CatalogInfo;
  items: ItemColumns;
}

interface QueryPhoto {
  id: number;
  image: RgbaImage;
  decodeMs: number;
  /** The first search of a photo reports its decode time; crops after it report 0. */
  decodeReported: boolean;
}

interface ModelEntry {
  sha256: string;
  /** The init promise, kept so two early calls never build two sessions. */
  runtime: Promise<ModelRuntime>;
}

export const MAX_K = 100;

const now = () => performance.now();

export class SearchService {
  #started: Promise<CatalogSnapshot> | undefined;
  #catalog: LoadedCatalog | null = null;
  #source: CatalogSource | null = null;
  #models = new Map<string, ModelEntry>();
  #query: QueryPhoto | null = null;
  #queryIds = 0;
  /** Model runs one at a time (one session cannot run twice at once). */
  #queue: Promise<unknown> = Promise.resolve();
  /** The filter each index currently holds, as a canonical key, so masks are rebuilt only on change. */
  #filterKeys = new WeakMap<FlatIndex, string>();
  #maskBuffer: Uint8Array | undefined;

  /** Loads everything once; a failed start can be retried by calling again. */
  start(
    options: StartOptions,
    onUpdate: (update: LoadUpdate) => void,
    onCatalogChange: (snapshot: CatalogSnapshot) => void,
  ): Promise<CatalogSnapshot> {
    this.#started ??= this.#start(options, onUpdate, onCatalogChange).catch((error: unknown) => {
      this.#started = undefined;
      throw error;
    });
    return this.#started;
  }

  async #start(
    options: StartOptions,
    onUpdate: (update: LoadUpdate) => void,
    onCatalogChange: (snapshot: CatalogSnapshot) => void,
  ): Promise<CatalogSnapshot> {
    const reporter = new LoadReporter(onUpdate);
    reporter.report('loading', { phase: 'manifest', loadedBytes: 0, totalBytes: 0 });
    const manifestUrl = new URL('catalog/manifest.json', options.appUrl).href;
    const context = (manifest: CatalogManifest, withProgress: boolean): LoadContext => ({
      source,
      manifestUrl,
      appUrl: options.appUrl,
      reporter: withProgress ? reporter : null,
      wantModel: (spec) => this.#models.get(spec.id)?.sha256 !== spec.sha256,
    });

    const idb = new IdbCatalogStore();
    const source = new CatalogSource(idb);
    this.#source = source;
    try {
      await idb.ready();
    } catch (error) {
      source.degrade(error);
    }
    const stored = source.store.kind === 'indexeddb' ? await storedManifest(idb) : undefined;
    // With a stored catalog, start from it at once; the manifest only tells whether to update.
    const latest = stored
      ? fetchManifest(manifestUrl, { attempts: 1 }).catch(() => null)
      : fetchManifest(manifestUrl);

    let manifest = stored ?? (await latest)!;
    let loaded: Awaited<ReturnType<typeof loadCatalog>>;
    try {
      loaded = await loadCatalog(manifest, context(manifest, true));
    } catch (error) {
      // A stored catalog this app version cannot read any more: try the server's current one.
      const newer =
        stored && error instanceof CatalogError && error.code === 'format' && (await latest);
      if (!newer || newer.version === manifest.version) throw error;
      manifest = newer;
      loaded = await loadCatalog(manifest, context(manifest, true));
    }
    await this.#addModels(manifest, loaded.modelBytes);
    if (manifest !== stored) await this.#activate(idb, source, manifest);
    this.#catalog = loaded.catalog;

    if (stored) {
      void latest
        .then(async (server) => {
          if (!server || server.version === manifest.version || source.store.kind === 'memory')
            return;
          await this.#update(server, context(server, false), idb, source);
          onCatalogChange(this.#snapshot());
        })
        .catch((error: unknown) => {
          // The stored catalog keeps working; the update is tried again on the next visit.
          console.warn('Catalog update failed:', error);
        });
    }
    return this.#snapshot();
  }

  /** Downloads a newer catalog next to the current one, then swaps it in once complete. */
  async #update(
    manifest: CatalogManifest,
    context: LoadContext,
    idb: IdbCatalogStore,
    source: CatalogSource,
  ): Promise<void> {
    await source.store.setPending(manifest);
    const loaded = await loadCatalog(manifest, context);
    await this.#addModels(manifest, loaded.modelBytes);
    await this.#activate(idb, source, manifest);
    this.#catalog = loaded.catalog;
  }

  /** Flips the stored 'current' pointer; a memory-only session instead clears partial files. */
  async #activate(idb: IdbCatalogStore, source: CatalogSource, manifest: CatalogManifest) {
    if (source.store.kind === 'indexeddb') {
      try {
        await source.store.activate(manifest);
      } catch (error) {
        source.degrade(error);
      }
    } else {
      await idb.collectGarbage().catch(() => 0);
    }
  }

  async #addModels(manifest: CatalogManifest, bytes: Map<string, Uint8Array>): Promise<void> {
    for (const model of manifest.models.filter(canRun)) {
      const modelBytes = bytes.get(model.spec.id);
      if (!modelBytes) continue;
      const runtime = ModelRuntime.create(model.spec, modelBytes);
      this.#models.set(model.spec.id, { sha256: model.spec.sha256, runtime });
      runtime.catch(() => this.#models.delete(model.spec.id));
    }
    // Ready means a query can run: wait for every session (their failures surface here).
    await Promise.all([...this.#models.values()].map((entry) => entry.runtime));
  }

  #snapshot(): CatalogSnapshot {
    const catalog = this.#ready();
    const models = catalog.manifest.models.filter(canRun);
    const first = catalog.indexes.values().next().value!;
    const info: CatalogInfo = {
      version: catalog.manifest.version,
      count: catalog.manifest.count,
      fields: catalog.fields,
      models: models.map(({ spec, dim }) => ({
        id: spec.id,
        name: spec.name,
        dim,
        towers: spec.towers,
      })),
      storage: this.#source!.store.kind,
      notice: this.#source!.notice,
      backend: first.backend,
      threads: configuredOrt().threads,
    };
    return { info, items: { ids: catalog.items.ids, fields: catalog.items.fields } };
  }

  #ready(): LoadedCatalog {
    if (!this.#catalog) throw new EngineError('The catalog is still loading.');
    return this.#catalog;
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
    const { modelId, index } = this.#pick(catalog, options);
    const runtime = await this.#models.get(modelId)!.runtime;
    const pixels = cropPixels(crop, query.image.width, query.image.height);
    return this.#exclusive(async () => {
      signal?.throwIfAborted();
      const t0 = now();
      runtime.preprocess(query.image, pixels);
      const t1 = now();
      signal?.throwIfAborted();
      const vector = await runtime.embed();
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

  /** Searches with an item's stored vector (no model run), leaving the item itself out. */
  moreLikeThis(item: string | number, options: SearchOptions): SearchOutcome {
    const started = now();
    const catalog = this.#ready();
    const at = typeof item === 'number' ? item : catalog.items.ids.indexOf(item);
    if (!Number.isInteger(at) || at < 0 || at >= catalog.manifest.count) {
      throw new EngineError(`The catalog has no item ${item}.`);
    }
    const { index } = this.#pick(catalog, options);
    this.#applyFilter(catalog, index, options.filters);
    const hits = index.searchByIndex(at, options.k, { filter: true, exclude: at });
    const results = toResults(catalog, hits.indices, hits.scores);
    const search = now() - started;
    return { results, timings: { decode: 0, preprocess: 0, embed: 0, search, total: search } };
  }

  /** The item's WebP thumbnail: a slice of its stored pack (no bytes are copied). */
  thumbnail(index: number): Blob {
    const catalog = this.#ready();
    const ref = catalog.items.thumbs[index];
    if (!ref) throw new EngineError(`The catalog has no item at ${index}.`);
    const [pack, offset, length] = ref;
    return catalog.packs[pack].slice(offset, offset + length, 'image/webp');
  }

  #pick(catalog: LoadedCatalog, options: SearchOptions): { modelId: string; index: FlatIndex } {
    if (!Number.isInteger(options.k) || options.k < 1 || options.k > MAX_K) {
      throw new EngineError(`Top-K must be a whole number from 1 to ${MAX_K}.`);
    }
    const modelId = options.modelId ?? catalog.indexes.keys().next().value!;
    const index = catalog.indexes.get(modelId);
    if (!index) throw new EngineError(`The catalog has no model ${modelId}.`);
    return { modelId, index };
  }

  /** Sets the index's filter mask, rebuilding it only when the selection changed. */
  #applyFilter(catalog: LoadedCatalog, index: FlatIndex, filters: Record<string, string[]>): void {
    const entries = Object.entries(filters)
      .filter(([, values]) => values.length > 0)
      .map(([field, values]) => [field, [...values].sort()] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const key = JSON.stringify(entries);
    if (this.#filterKeys.get(index) === key) return;
    for (const [field] of entries) {
      if (!(field in catalog.items.fields))
        throw new EngineError(`The catalog has no field ${field}.`);
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

async function storedManifest(idb: IdbCatalogStore): Promise<CatalogManifest | undefined> {
  try {
    const record = await idb.getCatalog('current');
    return record && parseManifest(record.manifest);
  } catch {
    // Unreadable or from an older format: treat as nothing stored.
    return undefined;
  }
}

function toResults(
  catalog: LoadedCatalog,
  indices: Int32Array,
  scores: Float32Array,
): ResultItem[] {
  const { ids, fields } = catalog.items;
  const names = Object.keys(fields);
  return Array.from(indices, (index, rank) => ({
    rank: rank + 1,
    index,
    id: ids[index],
    // int8 rounding can push a near-duplicate's estimate a hair past 1: keep it a cosine.
    score: Math.min(1, Math.max(-1, scores[rank])),
    fields: Object.fromEntries(names.map((name) => [name, fields[name][index]])),
  }));
}
