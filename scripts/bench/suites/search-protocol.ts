/** Messages between the search suite (Node) and its page in Chromium: case configs and results. */

/** What is timed: a kernel backend of FlatIndex, a plain-JS loop, or an npm library peer. */
export type Subject = 'relaxed' | 'simd' | 'scalar' | 'js-int8' | 'js-float32' | 'hnswlib-bf';
export const KERNEL_SUBJECTS: readonly Subject[] = ['relaxed', 'simd', 'scalar'];
export const LIBRARY_SUBJECTS: readonly Subject[] = ['hnswlib-bf'];

export interface CaseConfig {
  n: number;
  d: number;
  k: number;
  /** Fraction of items a random filter keeps, or null for no filter. */
  filter: number | null;
  subjects: Subject[];
  minRuns: number;
  maxRuns: number;
  /** Stop adding runs (past minRuns) after this much timing. */
  budgetMs: number;
  seed: number;
}

export interface SubjectTiming {
  subject: Subject;
  times: number[];
  /** Time to copy the catalog in (fill + append), ms. */
  loadMs: number;
  /** Top-k ids of the first check queries (catalog.queries order), to compare with the kernel. */
  checkIds: number[][];
}

export interface CaseResult {
  config: CaseConfig;
  timings: SubjectTiming[];
  /** Whether every kernel backend returned identical ids and scores on the check queries. */
  identical: boolean;
  /** Mean overlap of each peer's top-k with the kernel's (peers score a float or 8-bit query). */
  peerOverlap: Record<string, number>;
}

export interface ExactnessReport {
  backends: Subject[];
  cases: number;
  /** Human-readable descriptions of cases where a backend differed (empty when exact). */
  mismatches: string[];
}

export interface SplitResult {
  n: number;
  d: number;
  workers: number;
  /** Median wall time of one query answered by `workers` workers each scanning a slice. */
  medianMs: number;
  /** Median of the same query in one worker over the whole catalog. */
  singleMs: number;
}

/** What the page puts on globalThis. */
export interface SearchBenchPage {
  backends(): Subject[];
  crossOriginIsolated(): boolean;
  runCase(config: CaseConfig): Promise<CaseResult>;
  verifyExactness(seed: number): Promise<ExactnessReport>;
  measureSplit(n: number, d: number, workers: number): Promise<SplitResult>;
  /** Which npm library peers load here; the reason for each one that does not. */
  libraryPeers(): Promise<Record<string, string | null>>;
}
