/** What the page's search engine (worker + storage) offers the UI: the contract between them. */

/** A rectangle in normalised [0, 1] coordinates of the upright (EXIF-oriented) photo. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type EngineStatus = 'loading' | 'downloading' | 'indexing' | 'ready' | 'error';

export interface LoadProgress {
  phase: 'manifest' | 'model' | 'shards' | 'thumbnails' | 'indexing';
  loadedBytes: number;
  totalBytes: number;
  /** Items indexed so far, during 'indexing'. */
  items?: number;
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
  /** The kernel that scans the vectors ('relaxed', 'simd' or 'scalar'). */
  backend: string;
  /** ONNX Runtime threads in use (1 unless cross-origin isolated). */
  threads: number;
}

export interface SearchOptions {
  k: number;
  /** Field name to accepted values: OR within a field, AND across fields. */
  filters: Record<string, string[]>;
  modelId?: string;
}

export interface ResultItem {
  rank: number;
  index: number;
  id: string;
  /** Cosine similarity. */
  score: number;
  fields: Record<string, string>;
}

export interface Timings {
  decode: number;
  preprocess: number;
  embed: number;
  search: number;
  total: number;
}

export interface SearchOutcome {
  results: ResultItem[];
  timings: Timings;
}

/** A decoded query photo kept in the worker, so a new crop needs no new decode. */
export interface QueryImage {
  queryId: number;
  width: number;
  height: number;
}
