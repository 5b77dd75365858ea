/** Item filters as bitmasks (1 bit per item) for the index to apply during its scan. */
import type { ItemTable } from '../catalog/manifest.ts';

export class FilterError extends Error {
  override name = 'FilterError';
}

/** Bytes a mask over `count` items takes: bit i % 8 of byte i / 8 is item i. */
export const maskBytes = (count: number) => Math.ceil(count / 8);

/** Whether a selection constrains anything (else the index needs no mask: setFilter(null)). */
export const isConstrained = (selection: Record<string, readonly string[]>) =>
  Object.values(selection).some((values) => values.length > 0);

/**
 * The items matching `selection` (field → accepted values: OR within a field, AND across
 * fields; a field with no values is no constraint, so an empty selection matches everything).
 * Writes into `out` when it is large enough, else into a new array; returns the mask.
 */
export function buildFilterMask(
  table: ItemTable,
  selection: Record<string, readonly string[]>,
  out?: Uint8Array,
): Uint8Array {
  const count = table.ids.length;
  const constrained = Object.entries(selection).filter(([, values]) => values.length > 0);
  const columns = constrained.map(([field, values]) => {
    const column = table.fields[field];
    if (!column) throw new FilterError(`no field "${field}" in the catalog`);
    return { column, accepted: new Set(values) };
  });
  const mask = out && out.length >= maskBytes(count) ? out : new Uint8Array(maskBytes(count));
  mask.fill(0, 0, maskBytes(count));
  for (let i = 0; i < count; i++) {
    let keep = true;
    for (const { column, accepted } of columns) {
      if (!accepted.has(column[i])) {
        keep = false;
        break;
      }
    }
    if (keep) mask[i >> 3] |= 1 << (i & 7);
  }
  return mask;
}

/** How many of the first `count` items a mask lets through. */
export function countMatches(mask: Uint8Array, count: number): number {
  let matches = 0;
  for (let i = 0; i < count; i++) matches += (mask[i >> 3] >> (i & 7)) & 1;
  return matches;
}
