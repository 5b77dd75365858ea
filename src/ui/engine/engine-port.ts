/**
 * The part of the page's SearchEngine (engine.svelte.ts) that the UI calls: components and
 * UI state depend on this narrow view, App.svelte passes the real engine.
 */
import type {
  CatalogInfo,
  CatalogItem,
  EngineStatus,
  LatencyStats,
  LoadProgress,
  PhotoComparison,
  PhotoOutcome,
  PhotoSource,
  PictureProgress,
  Rect,
  SearchOptions,
  SearchOutcome,
} from './engine-types.ts';

export interface EnginePort {
  readonly status: EngineStatus;
  readonly progress: LoadProgress | null;
  /** Why loading failed; query errors reject their call instead. */
  readonly error: string | null;
  readonly info: CatalogInfo | null;
  /** The background download of pictures for offline use; null before it is known. */
  readonly pictures: PictureProgress | null;
  /** Download progress of models loading on demand, by model id. */
  readonly modelLoads: Readonly<Record<string, LoadProgress | null>>;
  /** Whether a model's files are loaded (the default at first; others when picked). */
  modelLoaded(modelId: string): boolean;
  /** Loads a model on demand (progress in `modelLoads`); the current model keeps searching. */
  loadModel(modelId: string): Promise<void>;
  /** Starts (or resumes) saving every picture for offline use. */
  savePictures(): void;
  /** p50/p95 per stage over the session's photo searches. */
  readonly stats: LatencyStats | null;
  /**
   * A photo search in one worker call: a new photo (file, camera frame, catalog sample) is
   * decoded and kept there; `{ kind: 'kept' }` searches it again. Null when superseded.
   */
  searchPhoto(
    source: PhotoSource,
    crop: Rect | null,
    options: SearchOptions,
  ): Promise<PhotoOutcome | null>;
  /** The same, with each of `modelIds` (Compare), one outcome per model; null when superseded. */
  comparePhoto(
    source: PhotoSource,
    crop: Rect | null,
    modelIds: readonly string[],
    options: SearchOptions,
  ): Promise<PhotoComparison | null>;
  /** Words as the query; null when a newer call superseded this one. */
  searchText(text: string, options: SearchOptions): Promise<SearchOutcome | null>;
  moreLikeThis(item: number | string, options: SearchOptions): Promise<SearchOutcome | null>;
  /** Drops the search in flight (its call resolves to null), e.g. on "Start over". */
  cancel(): void;
  /** The item's decoded thumbnail, held until `releaseThumbnail(index)`: draw it, never close it. */
  thumbnail(index: number): Promise<ImageBitmap>;
  releaseThumbnail(index: number): void;
  item(index: number): CatalogItem;
  indexOf(id: string): number | null;
  sampleIndices(n: number): number[];
}
