/** The build's report and the lines it prints. */
import { relative } from 'node:path';
import type { SkippedPhoto } from './stages/decode.ts';

export interface BuildReport {
  count: number;
  /** Photos run through each model in this build (cache misses). */
  embedded: Record<string, number>;
  skipped: SkippedPhoto[];
  duplicates: string[];
  seconds: number;
  /** Photos processed end to end (decode, thumbnail, embed) per second. */
  imagesPerSecond: number;
  recallAt10: Record<string, number>;
  bytes: { shards: number; float32Index: number; thumbs: number; items: number };
  version: string;
  /** True when the output already held this exact catalog, so nothing was written. */
  unchanged: boolean;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(2) + ' MB';
}

export function printSummary(
  report: BuildReport,
  out: string,
  removed: number,
  log: (line: string) => void,
) {
  const where = relative(process.cwd(), out) || '.';
  log(
    `catalog: ${report.count} items, version ${report.version}${report.unchanged ? ' (unchanged)' : ''} in ${where}`,
  );
  for (const [id, n] of Object.entries(report.embedded)) {
    log(`  ${id}: embedded ${n}, int8 recall@10 vs float32 ${report.recallAt10[id].toFixed(4)}`);
  }
  if (report.imagesPerSecond)
    log(`  throughput: ${report.imagesPerSecond.toFixed(1)} images/s (decode, thumbnail, embed)`);
  log(
    `  shards ${mb(report.bytes.shards)} (float32 index would be ${mb(report.bytes.float32Index)}, ` +
      `${(report.bytes.float32Index / Math.max(1, report.bytes.shards)).toFixed(2)}x), thumbnails ${mb(report.bytes.thumbs)}, ` +
      `items ${mb(report.bytes.items)}; ${removed} stale files removed; ${report.seconds.toFixed(1)} s`,
  );
  if (report.duplicates.length)
    log(`  ${report.duplicates.length} photos skipped: their id was already taken`);
  if (report.skipped.length) {
    log(`  ${report.skipped.length} unreadable photos skipped:`);
    for (const { path, reason } of report.skipped) log(`    ${path}: ${reason}`);
  }
}
