/** Parses the catalog's item table (ItemTable JSON) and checks it against the manifest. */
import type { ItemTable } from './manifest.ts';

export class ItemTableError extends Error {
  override name = 'ItemTableError';
}

function fail(why: string): never {
  throw new ItemTableError(`The catalog's item table is invalid: ${why}.`);
}

const isStrings = (value: unknown, count: number): value is string[] =>
  Array.isArray(value) && value.length === count && value.every((v) => typeof v === 'string');

/** A thumbnail reference [pack, offset, length] that lies inside its pack. */
function isThumb(thumb: unknown, packBytes: readonly number[]): boolean {
  if (!Array.isArray(thumb) || thumb.length !== 3) return false;
  if (!thumb.every((v) => Number.isInteger(v) && v >= 0)) return false;
  const [pack, offset, length] = thumb as number[];
  return pack < packBytes.length && offset + length <= packBytes[pack];
}

/** `count` items; `packBytes` is the size of each thumbnail pack, in manifest order. */
export function parseItemTable(
  bytes: Uint8Array,
  count: number,
  packBytes: readonly number[],
): ItemTable {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    fail('not JSON');
  }
  const table = json as Partial<ItemTable> | null;
  if (!table || typeof table !== 'object') fail('not an object');
  if (!isStrings(table.ids, count)) fail(`ids must be ${count} strings`);
  if (!table.fields || typeof table.fields !== 'object') fail('fields missing');
  for (const [name, column] of Object.entries(table.fields)) {
    if (!isStrings(column, count)) fail(`field ${name} must hold ${count} strings`);
  }
  if (!Array.isArray(table.thumbs) || table.thumbs.length !== count) {
    fail(`thumbs must hold ${count} entries`);
  }
  if (!table.thumbs.every((thumb) => isThumb(thumb, packBytes))) {
    fail('a thumbnail reference is malformed or lies outside its pack');
  }
  return table as ItemTable;
}
