/** Human formats for the numbers the UI shows: bytes, milliseconds, similarity. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** Cosine similarity as a whole percentage, clamped at 0 (negative cosines say "not alike"). */
export function formatSimilarity(score: number): string {
  return `${Math.round(Math.max(0, score) * 100)}%`;
}

/** Whole percent of a part, 0 when the total is unknown. */
export function percentOf(part: number, total: number): number {
  return total > 0 ? Math.min(100, Math.round((part / total) * 100)) : 0;
}
