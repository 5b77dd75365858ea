/** The search worker: owns the ONNX sessions and the index, behind one typed comlink API. */
import { expose, transfer } from 'comlink';
import { registerAbortTransfer, releaseAbortSignal } from '../engine-api/abort-transfer.ts';
import type {
  CatalogSnapshot,
  GpuPreference,
  LoadUpdate,
  PhotoComparison,
  PhotoOutcome,
  PhotoSource,
  PictureProgress,
  Rect,
  SearchOptions,
  SearchOutcome,
} from '../engine-api/api-types.ts';
import { SearchService } from './search-service.ts';

const service = new SearchService();

/** A photo's preview goes to the page by transfer, not by copy. */
function withPreview<T extends { photo: { preview?: ImageBitmap } }>(answer: T): T {
  const { preview } = answer.photo;
  return preview ? transfer(answer, [preview]) : answer;
}

const api = {
  /**
   * Loads the catalog (from IndexedDB, else downloading it with progress) and the models.
   * `onCatalogChange` fires when a newer catalog finished downloading in the background.
   */
  start(
    options: { appUrl: string; gpu?: GpuPreference },
    onUpdate: (update: LoadUpdate) => void,
    onCatalogChange: (snapshot: CatalogSnapshot) => void,
  ): Promise<CatalogSnapshot> {
    return service.start(options.appUrl, onUpdate, onCatalogChange, options.gpu);
  },

  /**
   * One photo search in one call: decodes a new photo (a file's Blob, a camera frame's
   * ImageBitmap, transferred, or a catalog item's thumbnail by index) and keeps it, or reuses
   * the kept pixels; then crops, embeds and ranks. Returns the photo's size and, for a new
   * photo, what the page shows of it. Rejects with an AbortError once `signal` aborts.
   */
  async searchPhoto(
    source: PhotoSource,
    crop: Rect | null,
    options: SearchOptions,
    signal?: AbortSignal,
  ): Promise<PhotoOutcome> {
    try {
      return withPreview(await service.searchPhoto(source, crop, options, signal));
    } finally {
      releaseAbortSignal(signal);
    }
  },

  /** The same call shape for Compare: the photo searched with each of `modelIds` in turn. */
  async comparePhoto(
    source: PhotoSource,
    crop: Rect | null,
    options: SearchOptions,
    modelIds: string[],
    signal?: AbortSignal,
  ): Promise<PhotoComparison> {
    try {
      return withPreview(await service.comparePhoto(source, crop, options, modelIds, signal));
    } finally {
      releaseAbortSignal(signal);
    }
  },

  /** Words as the query: a text embedding, or keyword filters for an image-only model. */
  async searchText(
    text: string,
    options: SearchOptions,
    signal?: AbortSignal,
  ): Promise<SearchOutcome> {
    try {
      return await service.searchText(text, options, signal);
    } finally {
      releaseAbortSignal(signal);
    }
  },

  /** "More like this": an item's stored vector as the query (by index, or by item id). */
  moreLikeThis(item: string | number, options: SearchOptions): Promise<SearchOutcome> {
    return service.moreLikeThis(item, options);
  },

  /** The item's WebP thumbnail, stored or fetched on demand (cloning a Blob shares its bytes). */
  thumbnail(index: number): Promise<Blob> {
    return service.thumbnail(index);
  },

  /** Loads another model on demand, reporting its download; other models keep searching. */
  loadModel(modelId: string, onUpdate: (update: LoadUpdate) => void): Promise<void> {
    return service.loadModel(modelId, onUpdate);
  },

  /** Saves every picture for offline use in the background (paused while searches run); counts only unless `go`. */
  savePictures(
    onProgress: (progress: PictureProgress) => void,
    go: boolean,
  ): Promise<PictureProgress> {
    return service.savePictures(onProgress, go);
  },
};

export type SearchApi = typeof api;

// onnxruntime-web starts its thread workers from this same module (named 'em-pthread...'):
// they must not answer comlink messages.
if (!(self as unknown as { name: string }).name.startsWith('em-pthread')) {
  registerAbortTransfer();
  expose(api);
}
