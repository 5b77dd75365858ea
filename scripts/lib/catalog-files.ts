/** Writes catalog files under content-hashed names, and removes the ones a new build no longer uses. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { GZIP_SUFFIX, type FileRef } from '../../src/shared/catalog/manifest.ts';
import { writeGzipCopy } from './gzip-copy.ts';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes `bytes` to `<out>/<folder>/<stem>-<hash8><ext>` atomically. Content-hashed names let a
 * static host cache them forever and let an old and a new catalog live side by side. With
 * `gzip`, a gzip copy goes beside it when compression pays (its size in `gzipBytes`).
 */
export function writeHashed(
  out: string,
  folder: string,
  stem: string,
  ext: string,
  bytes: Uint8Array,
  { gzip = false } = {},
): FileRef {
  const hash = sha256(bytes);
  const file = `${folder}/${stem}-${hash.slice(0, 12)}${ext}`;
  const path = join(out, file);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path + '.tmp', bytes);
    renameSync(path + '.tmp', path);
  }
  const gzipBytes = gzip ? writeGzipCopy(path, bytes) : undefined;
  return { file, bytes: bytes.byteLength, sha256: hash, ...(gzipBytes ? { gzipBytes } : {}) };
}

/** The files `ref` stands for on disk, relative to the catalog: the file and its gzip copy. */
export function filesOf(ref: FileRef): string[] {
  return ref.gzipBytes ? [ref.file, ref.file + GZIP_SUFFIX] : [ref.file];
}

/** Splits items into packs of about `maxBytes` of concatenated thumbnails. */
export function packThumbnails(
  out: string,
  thumbs: Uint8Array[],
  maxBytes: number,
): { packs: FileRef[]; refs: [number, number, number][] } {
  const packs: FileRef[] = [];
  const refs: [number, number, number][] = [];
  let pending: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (!pending.length) return;
    packs.push(
      writeHashed(
        out,
        'thumbs',
        `pack-${String(packs.length).padStart(3, '0')}`,
        '.bin',
        Buffer.concat(pending),
      ),
    );
    pending = [];
    size = 0;
  };
  for (const thumb of thumbs) {
    if (size && size + thumb.byteLength > maxBytes) flush();
    refs.push([packs.length, size, thumb.byteLength]);
    pending.push(thumb);
    size += thumb.byteLength;
  }
  flush();
  return { packs, refs };
}

/** Deletes files under `out` that are neither `keep` nor the manifest: what an older build left. */
export function removeStale(out: string, keep: Set<string>): number {
  let removed = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        if (!readdirSync(path).length) rmSync(path, { recursive: true });
        continue;
      }
      const file = relative(out, path).split(sep).join('/');
      if (file === 'manifest.json' || keep.has(file)) continue;
      rmSync(path);
      removed++;
    }
  };
  if (existsSync(out)) walk(out);
  return removed;
}
