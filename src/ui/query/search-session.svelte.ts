/** The shopper's search: the query (a photo or a catalog item), crop, Top-K, filters, results, errors. */
import { resolvePair, withModel, type ModelPair } from '../compare/compare-models.ts';
import { FULL_PHOTO, isFullPhoto, sameRect } from '../crop/crop-geometry.ts';
import { knownFilters, toggleFilter } from '../filters/filterable-fields.ts';
import { MAX_K, MIN_K, type ShareState } from '../share/share-state.ts';
import { DelayedFlag } from '../common/delayed-flag.svelte.ts';
import type { EnginePort } from '../engine/engine-port.ts';
import type {
  CatalogItem,
  PhotoSource,
  QueryPhoto,
  Rect,
  SearchOptions,
  SearchOutcome,
} from '../engine/engine-types.ts';

export type PhotoOrigin = 'upload' | 'camera' | 'paste' | 'drop' | 'share' | 'sample';

export type Query =
  | {
      kind: 'photo';
      origin: PhotoOrigin;
      /** The photo the worker keeps (its id and size). */
      image: QueryPhoto;
      /** What to show: the worker's upright bitmap of the photo (the session closes it). */
      preview: ImageBitmap | null;
      /** The catalog item whose photo this is, for sample searches (shareable). */
      sample: CatalogItem | null;
    }
  | { kind: 'similar'; item: CatalogItem }
  | { kind: 'text'; text: string };

export const DEFAULT_K = 24;

/** How long a search runs before the page shows it is waiting (spinner, dimmed results). */
export const SLOW_SEARCH_MS = 300;

/** A photo searched with two models side by side: each model's outcome, left then right. */
export interface Comparison {
  models: ModelPair;
  outcomes: readonly [SearchOutcome, SearchOutcome];
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class SearchSession {
  /** Resolves a superseded search to null: "latest wins" lives there, not here. */
  #engine: EnginePort;
  #query = $state.raw<Query | null>(null);
  #crop = $state.raw<Rect>(FULL_PHOTO);
  #k = $state(DEFAULT_K);
  #filters = $state.raw<Record<string, string[]>>({});
  #modelId = $state<string | null>(null);
  /** Words mixed into photo searches (text-tower models only), and their weight. */
  #words = $state('');
  #textWeight = $state(0.5);
  #outcome = $state.raw<SearchOutcome | null>(null);
  /** Compare asked for (it applies to photo queries), the pair chosen, and its latest answer. */
  #compareOn = $state(false);
  #comparePair = $state.raw<ModelPair | null>(null);
  #comparison = $state.raw<Comparison | null>(null);
  #busy = $state(false);
  #slow = new DelayedFlag(SLOW_SEARCH_MS);
  #error = $state<string | null>(null);
  #completed = $state(0);

  constructor(engine: EnginePort) {
    this.#engine = engine;
  }

  get query() {
    return this.#query;
  }
  get crop() {
    return this.#crop;
  }
  get k() {
    return this.#k;
  }
  get filters() {
    return this.#filters;
  }
  get words() {
    return this.#words;
  }
  get textWeight() {
    return this.#textWeight;
  }
  get outcome() {
    return this.#outcome;
  }
  /** The latest two-model answer while comparing (null until it arrives). */
  get comparison() {
    return this.#comparison;
  }
  get busy() {
    return this.#busy;
  }
  /** Busy for longer than a shopper notices: only then does the page show that it waits. */
  get slow() {
    return this.#slow.on;
  }
  get error() {
    return this.#error;
  }
  /** How many searches have finished (and shown their results) in this session. */
  get completed() {
    return this.#completed;
  }

  readonly results = $derived(this.#outcome?.results ?? []);
  readonly modelId = $derived.by(() => this.#modelId ?? this.#engine.info?.models[0]?.id ?? null);
  /** The two models Compare shows; null when the catalog has fewer than two photo models. */
  readonly comparePair = $derived.by(() =>
    resolvePair(this.#comparePair, this.#engine.info?.models ?? []),
  );
  /** Compare is on and applies: a photo query and two photo models to run it through. */
  readonly comparing = $derived(
    this.#compareOn && this.comparePair !== null && this.#query?.kind === 'photo',
  );
  readonly activeFilterCount = $derived(
    Object.values(this.#filters).reduce((n, values) => n + values.length, 0),
  );

  /** What a share link holds; photo searches keep only their settings (the photo stays here). */
  readonly shareState = $derived.by<ShareState>(() => {
    const query = this.#query;
    return {
      model: this.modelId,
      k: this.#k,
      filters: this.#filters,
      query:
        query?.kind === 'similar'
          ? { kind: 'similar', id: query.item.id }
          : query?.kind === 'text'
            ? { kind: 'text', text: query.text }
            : query?.kind === 'photo' && query.sample
              ? { kind: 'sample', id: query.sample.id }
              : null,
    };
  });

  /**
   * A new photo, searched whole in one engine call (the worker decodes and keeps it, so a later
   * crop or settings change reuses its pixels). It becomes the query once its results are in.
   */
  async searchPhoto(source: Blob | ImageBitmap, origin: PhotoOrigin): Promise<void> {
    const from: PhotoSource =
      source instanceof Blob ? { kind: 'file', blob: source } : { kind: 'frame', bitmap: source };
    await this.#searchPhoto(from, { origin, sample: null });
  }

  /** A catalog item's own photo (its thumbnail, decoded in the worker) as the query. */
  async searchSample(index: number): Promise<void> {
    let sample: CatalogItem;
    try {
      sample = this.#engine.item(index);
    } catch (error) {
      this.#fail(error);
      return;
    }
    await this.#searchPhoto({ kind: 'sample', index }, { origin: 'sample', sample });
  }

  /** Items like a catalog item, from its stored vector (no model run). */
  async moreLikeThis(item: CatalogItem): Promise<void> {
    this.#begin();
    this.#setQuery({ kind: 'similar', item });
    await this.#run();
  }

  /** Words as the query: embedded by a text model, else read as keyword filters. */
  async searchText(text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    this.#begin();
    this.#setQuery({ kind: 'text', text: trimmed });
    await this.#run();
  }

  /** Words to mix into the current photo's search (a model with a text tower); '' removes them. */
  async refineWithText(text: string): Promise<void> {
    this.#words = text.trim();
    if (this.#query?.kind === 'photo') await this.#run();
  }

  /** How much the words weigh against the photo: 0 (photo only) to 1 (words only). */
  async setTextWeight(weight: number): Promise<void> {
    const clamped = Math.min(1, Math.max(0, weight));
    if (!Number.isFinite(clamped) || clamped === this.#textWeight) return;
    this.#textWeight = clamped;
    if (this.#query?.kind === 'photo' && this.#words) await this.#run();
  }

  async setCrop(rect: Rect): Promise<void> {
    if (sameRect(rect, this.#crop)) return;
    // A plain copy: it crosses to the worker by structured clone.
    this.#crop = { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
    if (this.#query?.kind === 'photo') await this.#run();
  }

  async setK(k: number): Promise<void> {
    const clamped = Math.min(MAX_K, Math.max(MIN_K, Math.round(k)));
    if (!Number.isFinite(clamped) || clamped === this.#k) return;
    this.#k = clamped;
    await this.#run();
  }

  async toggleFilter(field: string, value: string): Promise<void> {
    this.#filters = toggleFilter(this.#filters, field, value);
    await this.#run();
  }

  async clearFilters(): Promise<void> {
    if (this.activeFilterCount === 0) return;
    this.#filters = {};
    await this.#run();
  }

  async setModel(id: string): Promise<void> {
    if (id === this.modelId) return;
    this.#modelId = id;
    // A photo must be embedded again by the new model; the same decoded photo serves.
    await this.#run();
  }

  /** Turns Compare on or off; the photo is searched again the way the screen now shows it. */
  async setComparing(on: boolean): Promise<void> {
    if (on === this.#compareOn) return;
    this.#compareOn = on;
    if (!on) this.#comparison = null;
    if (this.#query?.kind === 'photo') await this.#run();
  }

  /** Sets Compare's left (0) or right (1) model; picking the other side's model swaps them. */
  async setCompareModel(side: 0 | 1, id: string): Promise<void> {
    const pair = this.comparePair;
    if (!pair) return;
    const next = withModel(pair, side, id);
    if (next[0] === pair[0] && next[1] === pair[1]) return;
    this.#comparePair = next;
    if (this.comparing) await this.#run();
  }

  /** Reproduces the search a share link describes (needs the catalog loaded). */
  async applyShare(state: ShareState): Promise<void> {
    const info = this.#engine.info;
    if (!info) return;
    if (state.k !== null) this.#k = state.k;
    this.#filters = knownFilters(state.filters, info.fields);
    if (state.model && info.models.some((m) => m.id === state.model)) this.#modelId = state.model;
    if (!state.query) {
      await this.#run();
      return;
    }
    if (state.query.kind === 'text') {
      await this.searchText(state.query.text);
      return;
    }
    const index = this.#engine.indexOf(state.query.id);
    if (index === null) {
      this.#error = `The shared item ${state.query.id} is not in this catalog (version ${info.version}).`;
      return;
    }
    if (state.query.kind === 'sample') await this.searchSample(index);
    else await this.moreLikeThis(this.#engine.item(index));
  }

  /** Back to the start screen. */
  reset(): void {
    this.#engine.cancel();
    this.#error = null;
    this.#words = '';
    this.#setQuery(null);
    this.#outcome = null;
    this.#comparison = null;
    this.#setBusy(false);
  }

  dismissError(): void {
    this.#error = null;
  }

  /** Reports an error that happened outside a search (camera, clipboard, share target). */
  report(message: string): void {
    this.#error = message;
  }

  #begin(): void {
    this.#error = null;
    this.#setBusy(true);
  }

  /** A search's answer is on screen. */
  #done(): void {
    this.#completed++;
    this.#setBusy(false);
  }

  /** Only the latest search's error reaches here: the engine resolves superseded ones to null. */
  #fail(error: unknown): void {
    this.#error = messageOf(error);
    this.#setBusy(false);
  }

  #setBusy(busy: boolean): void {
    this.#busy = busy;
    this.#slow.want(busy);
  }

  #setQuery(query: Query | null): void {
    const shown = this.#query?.kind === 'photo' ? this.#query.preview : null;
    // The photo's bitmap is the session's to free once nothing shows it.
    if (shown && (query?.kind !== 'photo' || query.preview !== shown)) {
      shown.close();
    }
    this.#query = query;
    this.#crop = FULL_PHOTO;
  }

  /** The settings of the next search; words only for photo searches (they refine the photo). */
  #options(photo: boolean): SearchOptions {
    const options: SearchOptions = { k: this.#k, filters: this.#filters };
    if (this.#modelId) options.modelId = this.#modelId;
    if (photo && this.#words) {
      options.text = this.#words;
      options.textWeight = this.#textWeight;
    }
    return options;
  }

  /** Searches the current query again, as the settings now say. */
  async #run(): Promise<void> {
    const query = this.#query;
    if (!query) return;
    if (query.kind === 'photo') {
      return this.#searchPhoto({ kind: 'kept', photoId: query.image.id }, null);
    }
    this.#begin();
    try {
      const outcome =
        query.kind === 'text'
          ? await this.#engine.searchText(query.text, this.#options(false))
          : await this.#engine.moreLikeThis(query.item.id, this.#options(false));
      if (outcome === null) return;
      this.#outcome = outcome;
      this.#done();
    } catch (error) {
      this.#fail(error);
    }
  }

  /**
   * One photo search, through both of Compare's models when Compare is on. A new photo
   * (`shown` says how to show it) becomes the query with its answer, searched whole; the kept
   * one keeps its crop.
   */
  async #searchPhoto(
    source: PhotoSource,
    shown: { origin: PhotoOrigin; sample: CatalogItem | null } | null,
  ): Promise<void> {
    this.#begin();
    const crop = shown || isFullPhoto(this.#crop) ? null : this.#crop;
    const options = this.#options(true);
    const models = this.#compareOn ? this.comparePair : null;
    try {
      const answer = models
        ? await this.#engine.comparePhoto(source, crop, models, options)
        : await this.#engine.searchPhoto(source, crop, options);
      if (answer === null) return;
      if (shown) {
        const { preview, ...image } = answer.photo;
        this.#setQuery({ kind: 'photo', ...shown, image, preview: preview ?? null });
      }
      if ('outcomes' in answer) {
        this.#comparison = { models: models!, outcomes: [answer.outcomes[0], answer.outcomes[1]] };
      } else {
        // The photo's part of the answer is the query's, above.
        const { results, timings, embeddedOn } = answer;
        this.#outcome = { results, timings, ...(embeddedOn && { embeddedOn }) };
      }
      this.#done();
    } catch (error) {
      this.#fail(error);
    }
  }
}
