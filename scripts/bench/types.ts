/** What a benchmark suite is and what it reports: the contract between run.ts and every suite. */

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average when the suite started: other work on a shared machine skews medians. */
  loadAverage: number;
  /** Filled in by suites that run a browser. */
  browser?: string;
}

export interface TargetCheck {
  name: string;
  /** Human-readable target, e.g. "≤ 5 ms". */
  target: string;
  /** Measured value, in the target's unit. */
  value: number;
  unit: string;
  pass: boolean;
}

export interface SuiteReport {
  suite: string;
  machine: Machine;
  /** Measurements, one object per case (each suite defines its fields). */
  cases: Record<string, unknown>[];
  /** Speed-ups against peers, when the suite has peers. */
  ratios?: Record<string, unknown>[];
  targets: TargetCheck[];
  notes: string[];
  /** The suite's section of BENCHMARKS.md (markdown, without the section markers). */
  markdown: string;
}

export interface SuiteOptions {
  /** Fewer sizes and runs: a smoke run, not a measurement. */
  quick: boolean;
  /** Progress lines go here (stderr), so stdout can stay pure JSON. */
  log: (line: string) => void;
  machine: Machine;
}

export interface BenchSuite {
  name: string;
  description: string;
  run(options: SuiteOptions): Promise<SuiteReport>;
}
