/** Which catalog fields make useful filter chips: more than one value, but few enough to scan by eye. */
import type { FieldSummary } from '../engine/engine-types.ts';

/** Beyond this many distinct values a field is an identifier (e.g. sender_id), not a facet. */
export const MAX_CHIP_VALUES = 30;

/** Fields worth a row of chips, in catalog order; empty values ('' = missing) are dropped. */
export function filterableFields(fields: readonly FieldSummary[]): FieldSummary[] {
  return fields
    .map((field) => ({ name: field.name, values: field.values.filter((v) => v.value !== '') }))
    .filter((field) => field.values.length > 1 && field.values.length <= MAX_CHIP_VALUES);
}

/** Toggles one value of one field; a field left with no value drops out (no constraint). */
export function toggleFilter(
  filters: Readonly<Record<string, readonly string[]>>,
  field: string,
  value: string,
): Record<string, string[]> {
  const next: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(filters)) next[name] = [...values];
  const values = next[field] ?? [];
  next[field] = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
  if (next[field].length === 0) delete next[field];
  return next;
}

/** Keeps only filters on fields and values the catalog has (a shared link may be stale). */
export function knownFilters(
  filters: Readonly<Record<string, readonly string[]>>,
  fields: readonly FieldSummary[],
): Record<string, string[]> {
  const known: Record<string, string[]> = {};
  for (const field of fields) {
    const values = (filters[field.name] ?? []).filter((v) =>
      field.values.some((entry) => entry.value === v),
    );
    if (values.length > 0) known[field.name] = values;
  }
  return known;
}
