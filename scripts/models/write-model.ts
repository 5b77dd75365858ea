/** Writes a converted model into `models/<id>/` (model file + model.json) and reads specs back. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { writeGzipCopy } from '../lib/gzip-copy.ts';

/** The project's `models/` folder. */
export const modelsDir = resolve(import.meta.dirname, '../../models');

/** The spec already built for `id`, or null when there is none (or it is unreadable). */
export function readModelSpec(id: string, dir: string = modelsDir): ModelSpec | null {
  const path = join(dir, id, 'model.json');
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ModelSpec;
  } catch {
    return null;
  }
}

/** Writes the model file, then its spec (last, so a spec never points at a missing file). */
export function writeModel(spec: ModelSpec, bytes: Uint8Array, dir: string = modelsDir): string {
  const folder = join(dir, spec.id);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, spec.file);
  writeFileSync(`${file}.tmp`, bytes);
  renameSync(`${file}.tmp`, file);
  writeModelSpec(withGzipCopy(spec, dir), dir);
  return folder;
}

/**
 * `spec` with the size of its model file's gzip copy, written beside the file when missing or
 * stale (a first visit fetches the copy: 3.6 MB becomes about 3.0 MB on a plain static host).
 */
export function withGzipCopy(spec: ModelSpec, dir: string = modelsDir): ModelSpec {
  const file = join(dir, spec.id, spec.file);
  const gzipBytes = writeGzipCopy(file, readFileSync(file));
  const described = { ...spec, gzipBytes };
  if (!gzipBytes) delete described.gzipBytes;
  return described;
}

/** Writes `models/<id>/model.json` alone (the model file must already be there). */
export function writeModelSpec(spec: ModelSpec, dir: string = modelsDir): void {
  const json = join(dir, spec.id, 'model.json');
  writeFileSync(`${json}.tmp`, JSON.stringify(spec, null, 2) + '\n');
  renameSync(`${json}.tmp`, json);
}
