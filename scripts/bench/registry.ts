/**
 * Every benchmark suite by name. To add one: write scripts/bench/suites/<name>.ts exporting a
 * BenchSuite and list it here; `npm run bench -- --suite <name>` then runs it.
 */
import type { BenchSuite } from './types.ts';

/** Loaded on demand, so one suite's heavy imports never slow down another. */
export const suites: Record<string, () => Promise<BenchSuite>> = {
  search: async () => (await import('./suites/search.ts')).searchSuite,
  embed: async () => (await import('./suites/embed.ts')).embedSuite,
  e2e: async () => (await import('./suites/e2e.ts')).e2eSuite,
  startup: async () => (await import('./suites/startup.ts')).startupSuite,
  'startup-100k': async () => (await import('./suites/startup-100k.ts')).startup100kSuite,
  memory: async () => (await import('./suites/memory.ts')).memorySuite,
  build: async () => (await import('./suites/build.ts')).buildSuite,
};
