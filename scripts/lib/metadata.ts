/** Reads item metadata from a CSV or JSON file into a map from item id to its fields. */
import { readFileSync } from 'node:fs';

export type Metadata = Map<string, Record<string, string>>;

const ID_COLUMNS = ['id', 'image', 'file', 'filename', 'name'];

/** Parses RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/** Strips a path and image extension, so `shirts/abc.jpg` and `abc` name the same item. */
export function itemId(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  return base.replace(/\.(jpe?g|png|webp)$/i, '');
}

function fromRows(rows: Record<string, unknown>[], file: string): Metadata {
  const meta: Metadata = new Map();
  if (!rows.length) return meta;
  const idColumn = ID_COLUMNS.find((c) => c in rows[0]);
  if (!idColumn)
    throw new Error(`${file}: no id column (expected one of ${ID_COLUMNS.join(', ')})`);
  for (const row of rows) {
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(row)) {
      if (key !== idColumn) fields[key] = value == null ? '' : String(value);
    }
    meta.set(itemId(String(row[idColumn])), fields);
  }
  return meta;
}

/**
 * CSV with a header row, a JSON array of objects, or a JSON object keyed by id. The id column
 * is the first of id/image/file/filename/name; every other column becomes a field.
 */
export function readMetadata(file: string): Metadata {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  if (/\.json$/i.test(file)) {
    const data: unknown = JSON.parse(text);
    if (Array.isArray(data)) return fromRows(data as Record<string, unknown>[], file);
    if (data && typeof data === 'object') {
      const rows = Object.entries(data as Record<string, Record<string, unknown>>).map(
        ([id, fields]) => ({ id, ...fields }),
      );
      return fromRows(rows, file);
    }
    throw new Error(`${file}: expected an array of objects or an object keyed by id`);
  }
  const [header, ...body] = parseCsv(text);
  if (!header) return new Map();
  const rows = body.map((cells) =>
    Object.fromEntries(header.map((h, i) => [h.trim(), cells[i] ?? ''])),
  );
  return fromRows(rows, file);
}
