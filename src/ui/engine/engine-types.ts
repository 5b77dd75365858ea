/** What the page's search engine (worker + storage) offers the UI: the contract between them. */

import type { Timings } from '../../engine-api/api-types.ts';

// The worker's API defines the data crossing the boundary; the page re-exports it from here.
export type {
  CatalogInfo,
  EmbedBackend,
  EngineErrorName,
  EngineStatus,
  FieldSummary,
  KeywordReading,
  LoadProgress,
  ModelInfo,
  PhotoComparison,
  PhotoOutcome,
  PhotoSource,
  PictureProgress,
  QueryPhoto,
  Rect,
  ResultItem,
  SearchOptions,
  SearchOutcome,
  Timings,
} from '../../engine-api/api-types.ts';

/** One catalog item, by its position in the index. */
export interface CatalogItem {
  index: number;
  id: string;
  /** Every metadata field (label, kids, colour, ...); a missing value is ''. */
  fields: Record<string, string>;
}

/** Latency over this session's image searches, per stage (ms). */
export interface LatencyStats {
  count: number;
  p50: Timings;
  p95: Timings;
}
