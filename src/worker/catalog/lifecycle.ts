/**
 * The catalog's life in the worker: start from the stored catalog (or download it) with the
 * default model only, load other models when asked, and swap in a newer catalog, sessions
 * included, once it is complete.
 */
import type { CatalogManifest } from '../../shared/catalog/manifest.ts';
import { parseManifest } from '../../shared/catalog/validate-manifest.ts';
import { IdbCatalogStore } from '../../storage/catalog-store.ts';
import { CatalogSource } from '../../storage/catalog-source.ts';
import { CatalogError } from '../../storage/errors.ts';
import { fetchManifest } from '../../storage/fetch-manifest.ts';
import type { LoadUpdate } from '../../engine-api/api-types.ts';
import {
  loadCatalog,
  loadModelIndex,
  runnableModels,
  type LoadContext,
  type LoadedCatalog,
} from './loader.ts';
import { LoadReporter } from './load-reporter.ts';
import { openQueryModel } from '../models/open-query-model.ts';
import { runtimeReceived } from '../models/ort-env.ts';
import { warmUpOrt } from '../models/ort-warm-up.ts';
import type { QueryModel } from '../models/query-model.ts';
import { Pictures } from './pictures.ts';
import { timed } from './startup-timing.ts';

export interface RuntimeEntry {
  sha256: string;
  /** The init promise, kept so two early calls never build two sessions. */
  runtime: Promise<QueryModel>;
}

/** A loaded catalog with the sessions for its models: swapped as one, so they always match. */
export interface ActiveCatalog extends LoadedCatalog {
  runtimes: Map<string, RuntimeEntry>;
  pictures: Pictures;
  /** Models being loaded on demand, by id (the promise is kept so one load serves all callers). */
  loading: Map<string, Promise<void>>;
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

export class CatalogLifecycle {
  #current: ActiveCatalog | null = null;
  #started: Promise<ActiveCatalog> | undefined;
  #idb = new IdbCatalogStore();
  #source = new CatalogSource(this.#idb);
  #appUrl = '';

  get current(): ActiveCatalog | null {
    return this.#current;
  }

  get storage(): 'indexeddb' | 'memory' {
    return this.#source.store.kind;
  }

  /** Why the session fell back to memory, if it did. */
  get notice(): string | null {
    return this.#source.notice;
  }

  /**
   * Loads the catalog once (a failed start may be retried). `onSwap` runs when a newer catalog,
   * downloaded in the background, has replaced the current one; it gets the sessions the new
   * catalog no longer uses, to dispose of once no query needs them.
   */
  start(
    appUrl: string,
    onUpdate: (update: LoadUpdate) => void,
    onSwap: (retired: QueryModel[]) => void,
  ): Promise<ActiveCatalog> {
    this.#started ??= timed('start', () => this.#start(appUrl, onUpdate, onSwap)).catch(
      (error: unknown) => {
        this.#started = undefined;
        throw error;
      },
    );
    return this.#started;
  }

  async #start(
    appUrl: string,
    onUpdate: (update: LoadUpdate) => void,
    onSwap: (retired: QueryModel[]) => void,
  ): Promise<ActiveCatalog> {
    this.#appUrl = appUrl;
    // The runtime starts while the catalog is read; every demo model runs on it.
    void warmUpOrt();
    const reporter = new LoadReporter(onUpdate);
    reporter.report('loading', { phase: 'manifest', loadedBytes: 0, totalBytes: 0 });
    const context = (withProgress: boolean, opening: Map<string, RuntimeEntry>) =>
      this.#context(withProgress ? reporter : null, opening);
    const manifestUrl = this.#manifestUrl;

    try {
      await timed('idb open', () => this.#idb.ready());
    } catch (error) {
      this.#source.degrade(error);
    }
    const stored =
      this.storage === 'indexeddb'
        ? await timed('stored manifest', () => storedManifest(this.#idb))
        : undefined;
    // With a stored catalog, start from it at once; the manifest only tells whether to update.
    const latest = stored
      ? fetchManifest(manifestUrl, { attempts: 1 }).catch(() => null)
      : fetchManifest(manifestUrl);

    let manifest = stored ?? (await latest)!;
    let opening = new Map<string, RuntimeEntry>();
    let loaded: LoadedCatalog;
    try {
      loaded = await timed('catalog load', () =>
        loadCatalog(manifest, context(true, opening), defaultModel(manifest)),
      );
    } catch (error) {
      // A stored catalog this app version cannot read any more: try the server's current one.
      const readable = !(error instanceof CatalogError && error.code === 'format');
      const newer = stored && !readable && (await latest);
      if (!newer || newer.version === manifest.version) throw error;
      manifest = newer;
      opening = new Map();
      loaded = await loadCatalog(manifest, context(true, opening), defaultModel(manifest));
    }
    const active = await timed('sessions', () => this.#withRuntimes(manifest, loaded, opening));
    if (manifest !== stored) await this.#activate(manifest);
    this.#current = active;

    if (stored) {
      void latest
        .then(async (server) => {
          if (!server || server.version === manifest.version || this.storage === 'memory') return;
          onSwap(await this.#update(server, context));
        })
        .catch((error: unknown) => {
          // The stored catalog keeps working; the update is tried again on the next visit.
          console.warn('Catalog update failed:', error);
        });
    }
    return active;
  }

  /**
   * Downloads a newer catalog next to the current one, then swaps it in once complete. Returns
   * the sessions of the old catalog that the new one does not share.
   */
  async #update(
    manifest: CatalogManifest,
    context: (withProgress: false, opening: Map<string, RuntimeEntry>) => LoadContext,
  ): Promise<QueryModel[]> {
    await this.#source.store.setPending(manifest);
    const opening = new Map<string, RuntimeEntry>();
    // The models in use now, as far as the new catalog still has them.
    const inUse = new Set([...defaultModel(manifest), ...(this.#current?.indexes.keys() ?? [])]);
    const ids = runnableModels(manifest)
      .map((m) => m.spec.id)
      .filter((id) => inUse.has(id));
    const loaded = await loadCatalog(manifest, context(false, opening), ids);
    const active = await this.#withRuntimes(manifest, loaded, opening);
    // Searches use the new catalog from here on; storing the pointer and collecting the old
    // files (thousands of stored pictures to look at) need not hold them back.
    const old = this.#current;
    this.#current = active;
    await this.#activate(manifest);
    const kept = new Set([...active.runtimes.values()].map((entry) => entry.runtime));
    const retired = [...(old?.runtimes.values() ?? [])].filter((e) => !kept.has(e.runtime));
    return Promise.all(retired.map((entry) => entry.runtime));
  }

  /** Flips the stored 'current' pointer; a memory-only session instead clears partial files. */
  async #activate(manifest: CatalogManifest): Promise<void> {
    if (this.storage === 'indexeddb') {
      try {
        await this.#source.store.activate(manifest);
      } catch (error) {
        this.#source.degrade(error);
      }
    } else {
      await this.#idb.collectGarbage().catch(() => 0);
    }
  }

  /** Sessions for the catalog's models: the unchanged ones reused, the others just opened. */
  async #withRuntimes(
    manifest: CatalogManifest,
    loaded: LoadedCatalog,
    opening: Map<string, RuntimeEntry>,
  ): Promise<ActiveCatalog> {
    const runtimes = new Map<string, RuntimeEntry>();
    for (const { spec } of runnableModels(manifest)) {
      if (!loaded.indexes.has(spec.id)) continue;
      const previous = this.#current?.runtimes.get(spec.id);
      const entry = previous?.sha256 === spec.sha256 ? previous : opening.get(spec.id);
      if (entry) runtimes.set(spec.id, entry);
    }
    // Ready means a query can run: wait for every session (their failures surface here).
    await Promise.all([...runtimes.values()].map((entry) => entry.runtime));
    const pictures = new Pictures({
      manifest,
      items: loaded.items,
      source: this.#source,
      manifestUrl: this.#manifestUrl,
      appUrl: this.#appUrl,
    });
    return { ...loaded, runtimes, pictures, loading: new Map() };
  }

  /**
   * Loads model `modelId` of the current catalog (files, shards, session) if it is not loaded
   * yet; `onUpdate` gets its download progress. Searches with other models go on meanwhile.
   */
  ensureModel(modelId: string, onUpdate?: (update: LoadUpdate) => void): Promise<void> {
    const catalog = this.#current;
    if (!catalog)
      return Promise.reject(new CatalogError('format', 'The catalog is still loading.'));
    if (catalog.indexes.has(modelId)) return Promise.resolve();
    let load = catalog.loading.get(modelId);
    if (!load) {
      load = this.#loadModel(catalog, modelId, onUpdate).finally(() =>
        catalog.loading.delete(modelId),
      );
      catalog.loading.set(modelId, load);
    }
    return load;
  }

  async #loadModel(
    catalog: ActiveCatalog,
    modelId: string,
    onUpdate?: (update: LoadUpdate) => void,
  ): Promise<void> {
    const model = runnableModels(catalog.manifest).find((m) => m.spec.id === modelId);
    if (!model) throw new CatalogError('format', `The catalog has no model ${modelId}.`);
    const opening = new Map<string, RuntimeEntry>();
    const reporter = onUpdate ? new LoadReporter(onUpdate) : null;
    const index = await loadModelIndex(catalog.manifest, this.#context(reporter, opening), modelId);
    const entry = opening.get(modelId) ?? catalog.runtimes.get(modelId);
    if (!entry) throw new CatalogError('format', `The model ${modelId} has no session.`);
    await entry.runtime;
    catalog.runtimes.set(modelId, entry);
    catalog.indexes.set(modelId, index);
  }

  get #manifestUrl(): string {
    return new URL('catalog/manifest.json', this.#appUrl).href;
  }

  #context(reporter: LoadReporter | null, opening: Map<string, RuntimeEntry>): LoadContext {
    const appUrl = this.#appUrl;
    return {
      source: this.#source,
      manifestUrl: this.#manifestUrl,
      appUrl,
      reporter,
      wantModel: (spec) => this.#current?.runtimes.get(spec.id)?.sha256 !== spec.sha256,
      // ONNX Runtime's .wasm crosses the network first (once per version; at once when cached):
      // it compiles while the catalog's files arrive.
      downloadsAfter: runtimeReceived(),
      onModelFiles: (spec, files) => {
        const runtime = openQueryModel(spec, files, appUrl);
        // Awaited by the caller; a load that fails first must not leave it unhandled.
        runtime.catch(() => undefined);
        opening.set(spec.id, { sha256: spec.sha256, runtime });
      },
    };
  }
}

/** The default model's id, as a list: all that "ready" waits for. */
function defaultModel(manifest: CatalogManifest): string[] {
  return [runnableModels(manifest)[0].spec.id];
}
