/** Counts each metadata field's distinct values, for the UI's filter chips. */
import type { FieldSummary } from '../../engine-api/api-types.ts';

/** One summary per field in table order; values most frequent first, ties alphabetically. */
export function summariseFields(fields: Record<string, string[]>): FieldSummary[] {
  return Object.entries(fields).map(([name, column]) => {
    const counts = new Map<string, number>();
    for (const value of column) counts.set(value, (counts.get(value) ?? 0) + 1);
    const values = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return { name, values };
  });
}
