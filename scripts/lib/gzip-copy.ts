/**
 * Gzip copies of the files a first visit needs (the model, the shards, the item table). A plain
 * static host sends files as they are; the app fetches `<file>.gz` when the manifest lists one and
 * decompresses it (src/storage/download-verified.ts). Pictures (WebP) and digests gain nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GZIP_SUFFIX } from '../../src/shared/catalog/manifest.ts';

/** A copy that saves less than this share of the file is not worth a second file. */
const MIN_SAVING = 1 / 32;

/**
 * Makes sure `<path>.gz` holds `bytes` compressed and returns its size, or undefined (removing a
 * stale copy) when compression would not pay. An existing copy is kept when it decompresses to
 * exactly `bytes`, so a rebuild rewrites nothing.
 */
export function writeGzipCopy(path: string, bytes: Uint8Array): number | undefined {
  const copy = path + GZIP_SUFFIX;
  const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
  if (existsSync(copy)) {
    const kept = readFileSync(copy);
    try {
      if (sha(gunzipSync(kept)) === sha(bytes)) return kept.byteLength;
    } catch {
      // A damaged copy: written again below.
    }
  }
  const packed = gzipSync(bytes, { level: 9 });
  if (packed.byteLength > bytes.byteLength * (1 - MIN_SAVING)) {
    rmSync(copy, { force: true });
    return undefined;
  }
  writeFileSync(copy + '.tmp', packed);
  renameSync(copy + '.tmp', copy);
  return packed.byteLength;
}
