/** The data the search worker sends to the page: the types of its comlink API (no behaviour here). */

/** A rectangle in normalised [0, 1] coordinates of the upright (EXIF-oriented) photo. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type EngineStatus = 'loading' | 'downloading' | 'indexing' | 'ready' | 'error';

export interface LoadProgress {
  /**
   * 'model' | 'shards' | 'thumbnails' while files come from the network (the item table counts
   * as 'shards'); 'indexing' while stored files are read into the index.
   */
  phase: 'manifest' | 'model' | 'shards' | 'thumbnails' | 'indexing';
  /**
   * While downloading: bytes received over all files this load fetches (stored files excluded).
   * While indexing: bytes of stored files read so far.
   */
  loadedBytes: number;
  totalBytes: number;
  /** Items indexed so far, during 'indexing'. */
  items?: number;
}

/** What the worker reports while it starts: the page mirrors it in `status` and `progress`. */
export interface LoadUpdate {
  status: EngineStatus;
  progress: LoadProgress | null;
}

/** The background download of the catalog's pictures for offline use. */
export interface PictureProgress {
  /**
   * 'saving' while packs download; 'done' once all are stored; 'offline' when the network went
   * away (the next visit resumes); 'full' when storage refused them (they stay placeholders);
   * 'waiting' when some are missing and the page has not asked to save them (consent).
   */
  state: 'waiting' | 'saving' | 'done' | 'offline' | 'full';
  /** Bytes of pictures stored (or being stored) so far, of `totalBytes`. */
  savedBytes: number;
  totalBytes: number;
}

export interface FieldSummary {
  name: string;
  /** Distinct values with how many items have each, most frequent first. */
  values: { value: string; count: number }[];
}

export interface ModelInfo {
  id: string;
  name: string;
  dim: number;
  towers: { image: boolean; text: boolean };
}

export interface CatalogInfo {
  version: string;
  count: number;
  fields: FieldSummary[];
  models: ModelInfo[];
  /** 'memory' when IndexedDB was unavailable or full: the catalog lives for this session only. */
  storage: 'indexeddb' | 'memory';
  /** Why storage is 'memory' (or another non-fatal problem worth showing); null when all is well. */
  notice: string | null;
  /** The kernel that scans the vectors ('relaxed', 'simd' or 'scalar'). */
  backend: string;
  /** ONNX Runtime threads in use (1 unless cross-origin isolated). */
  threads: number;
  /** Bytes of all the catalog's pictures (what saving them for offline use costs). */
  pictureBytes: number;
  /** Models whose files are loaded (the default at first; others load when picked). */
  loadedModels: string[];
}

export interface SearchOptions {
  k: number;
  /** Field name to accepted values: OR within a field, AND across fields. */
  filters: Record<string, string[]>;
  /** Defaults to the catalog's first model. */
  modelId?: string;
  /**
   * Photo searches with a text-tower model: words to mix into the photo's embedding, weighted
   * by `textWeight` (0 = the photo only, 1 = the words only; default 0.5).
   */
  text?: string;
  textWeight?: number;
}

export interface ResultItem {
  rank: number;
  index: number;
  id: string;
  /** Cosine similarity. */
  score: number;
  fields: Record<string, string>;
}

/** Milliseconds spent in the worker per stage; decode is 0 when the search reused kept pixels. */
export interface Timings {
  decode: number;
  preprocess: number;
  embed: number;
  search: number;
  total: number;
}

/** How a text query was read by the keyword fallback (a model without a text tower). */
export interface KeywordReading {
  /** Each catalog value the words named, and the words that named it. */
  terms: { field: string; value: string; words: string }[];
  /** Words that named no catalog value. */
  leftover: string[];
}

/**
 * Whether the query model may run on the GPU (WebGPU): 'auto' uses a hardware adapter when it
 * agrees with WASM and beats it on the device; 'off' never; 'force' uses any adapter, software
 * ones (SwiftShader) included, however slow (tests, diagnosis). The page's `?gpu=` sets it.
 */
export type GpuPreference = 'auto' | 'off' | 'force';

/** What ran a search's model: WebGPU on an adapter, or WASM (with why WebGPU does not run). */
export type EmbedBackend =
  { kind: 'webgpu'; adapter: string } | { kind: 'wasm'; threads: number; whyNotGpu: string | null };

export interface SearchOutcome {
  results: ResultItem[];
  timings: Timings;
  /** The backend that embedded the query; absent when no model ran (stored vectors, keywords). */
  embeddedOn?: EmbedBackend;
  /** Set when a text query was answered by keyword filters rather than a text embedding. */
  keywords?: KeywordReading;
}

/**
 * Where a photo search's pixels come from. A new photo (a file, a camera frame, a catalog item's
 * own photo) is decoded in the worker, which keeps it; `kept` searches those pixels again (a
 * re-crop, or a filter, Top-K, words or model change) with no new decode.
 */
export type PhotoSource =
  | { kind: 'file'; blob: Blob }
  /** A camera frame, transferred: never encoded on the page nor decoded in the worker. */
  | { kind: 'frame'; bitmap: ImageBitmap }
  /** A catalog item's photo (its thumbnail), by item index: it never leaves the worker. */
  | { kind: 'sample'; index: number }
  | { kind: 'kept'; photoId: number };

/** The photo a search ran on, as the worker keeps it. */
export interface QueryPhoto {
  /** Search the same pixels again with `{ kind: 'kept', photoId: id }`. */
  id: number;
  /** Size of the decoded, upright photo (downscaled when huge). */
  width: number;
  height: number;
  /**
   * What the page shows, for a new photo only: the decoded, upright photo as an ImageBitmap
   * (transferred; the page closes it).
   */
  preview?: ImageBitmap;
}

/** A single-model photo search: the outcome, and the photo it ran on. */
export interface PhotoOutcome extends SearchOutcome {
  photo: QueryPhoto;
}

/** One photo searched with several models (Compare): one outcome per model, in order. */
export interface PhotoComparison {
  photo: QueryPhoto;
  outcomes: SearchOutcome[];
}

/** The catalog's item table, column-wise (as in the manifest's ItemTable, without thumbnails). */
export interface ItemColumns {
  ids: string[];
  fields: Record<string, string[]>;
}

/** What the worker's `start` resolves to, and what a catalog swap sends: enough to show it. */
export interface CatalogSnapshot {
  info: CatalogInfo;
  items: ItemColumns;
}

/**
 * `error.name` of the errors the engine's calls reject with, so the UI can tell them apart;
 * `error.message` is always a sentence fit to show.
 */
export type EngineErrorName =
  /** Over the size limit (20 MB); refused before reading. */
  | 'ImageTooLargeError'
  /** Not an image format the browser can decode (content sniffed, not the file name). */
  | 'UnsupportedImageError'
  /** Looked like an image but could not be decoded. */
  | 'ImageDecodeError'
  /** Download, verification or storage of the catalog failed. */
  | 'CatalogError'
  /** The engine is not ready, or an argument is out of range. */
  | 'EngineError';
