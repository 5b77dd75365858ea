/** What the page probe (probe.ts, injected into the app) records and answers. */

/** The worker's per-stage timings of one photo search, as the app's worker reports them. */
export interface StageTimings {
  decode: number;
  preprocess: number;
  embed: number;
  search: number;
  total: number;
}

export interface QuerySample {
  /** Input change → results grid painted, ms. */
  totalMs: number;
  /** The worker's reply with the results arrived → grid painted (DOM update + frame), ms. */
  renderMs: number;
  /** Reply → the grid's DOM updated (before the frame), ms. */
  domMs: number;
  /** Input change → reply arrived, ms (file hand-off + worker + messaging). */
  replyMs: number;
  stages: StageTimings;
  results: number;
  firstId: string | null;
}

export interface BenchProbe {
  /** performance.now() when the status line first read "ready" (null before). */
  readyAt: number | null;
  statuses: string[];
  /** Photos for `query`, as base64 JPEG bytes with their file names. */
  setPhotos(photos: { name: string; base64: string }[]): void;
  /** Searches with photo i (mod the count) through the app's file input; resolves when painted. */
  /** Searches photo `i`, after `pauseMs` of leaving the app alone (a shopper's pace). */
  query(i: number, pauseMs?: number): Promise<QuerySample>;
}
