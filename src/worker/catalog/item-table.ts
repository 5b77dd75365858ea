/** Parses and checks the catalog's item table (ItemTable JSON) against the manifest's item count. */
import type { ItemTable } from '../../shared/catalog/manifest.ts';
import { CatalogError } from '../../storage/errors.ts';

function fail(why: string): never {
  throw new CatalogError('format', `The catalog's item table is invalid: ${why}.`);
}

const isStrings = (value: unknown, count: number): value is string[] =>
  Array.isArray(value) && value.length === count && value.every((v) => typeof v === 'string');

export function parseItemTable(bytes: Uint8Array, count: number, packs: number): ItemTable {
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
  for (const thumb of table.thumbs) {
    const ok =
      Array.isArray(thumb) &&
      thumb.length === 3 &&
      thumb.every((v) => Number.isInteger(v) && v >= 0) &&
      thumb[0] < packs;
    if (!ok) fail('a thumbnail reference is malformed');
  }
  return table as ItemTable;
}
