/**
 * What the tiny test models (`models/*-fixture/`) share: seeded weights, and writing a Hugging
 * Face model folder with its model.json once, skipped while the folder is intact and current.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ModelFile, ModelSpec } from '../../src/shared/model/spec.ts';
import { seededRandom } from '../../src/shared/search/seeded-random.ts';

export const fixtureModelsDir = resolve(import.meta.dirname, '../../models');

/** Gaussian-ish weights (sum of uniforms), scaled for a fan-in, from one seeded stream. */
export function weights(random: () => number, count: number, fanIn: number): Float32Array {
  const out = new Float32Array(count);
  const scale = Math.sqrt(3 / fanIn);
  for (let i = 0; i < count; i++) out[i] = (random() + random() + random() - 1.5) * scale;
  return out;
}

/** A fixture's spec before its files are known: `file` names the image tower among them. */
export type FixtureSpec = Omit<ModelSpec, 'sha256' | 'bytes' | 'sourceHash' | 'files'>;

export interface FixtureRecipe {
  id: string;
  seed: number;
  /** The generator's own source files: the fixture is rebuilt when one changes. */
  sources: string[];
  /** Folder contents (path → bytes, or JSON written pretty) and the spec, from one seeded stream. */
  make(random: () => number): { contents: Record<string, Uint8Array | object>; spec: FixtureSpec };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function fixtureSourceHash(recipe: FixtureRecipe): string {
  const hash = createHash('sha256');
  for (const file of [...recipe.sources, import.meta.filename, resolve(import.meta.dirname, 'onnx-graph.ts')]) {
    hash.update(readFileSync(file));
  }
  return hash.update(String(recipe.seed)).digest('hex');
}

/** Writes a file atomically (temp file, then rename). */
function writeAtomic(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

/** True when `folder` holds this generator's output, every file intact. */
function upToDate(folder: string, sourceHash: string): boolean {
  try {
    const spec = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as ModelSpec;
    return (
      spec.sourceHash === sourceHash &&
      (spec.files ?? []).every((f) => sha256(readFileSync(join(folder, f.file))) === f.sha256)
    );
  } catch {
    return false;
  }
}

/**
 * Writes the fixture into `<dir>/<id>/` unless it is already there and intact (or `force`);
 * returns its spec and whether it was (re)built.
 */
export function buildFixture(
  recipe: FixtureRecipe,
  options: { dir?: string; force?: boolean } = {},
): { spec: ModelSpec; built: boolean } {
  const folder = join(options.dir ?? fixtureModelsDir, recipe.id);
  const sourceHash = fixtureSourceHash(recipe);
  if (!options.force && upToDate(folder, sourceHash)) {
    return { spec: JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as ModelSpec, built: false };
  }
  rmSync(folder, { recursive: true, force: true });
  const made = recipe.make(seededRandom(recipe.seed));
  const contents = Object.entries(made.contents).map(([file, value]): [string, Uint8Array] => [
    file,
    value instanceof Uint8Array ? value : new TextEncoder().encode(JSON.stringify(value, null, 1) + '\n'),
  ]);
  const files: ModelFile[] = contents.map(([file, bytes]) => ({
    file,
    bytes: bytes.length,
    sha256: sha256(bytes),
  }));
  const image = files.find((f) => f.file === made.spec.file);
  if (!image) throw new Error(`${recipe.id}: the spec's file ${made.spec.file} is not made`);
  const spec: ModelSpec = { ...made.spec, sha256: image.sha256, bytes: image.bytes, sourceHash, files };
  // Model files first, the spec last: a spec never points at a missing file.
  for (const [path, bytes] of contents) writeAtomic(join(folder, path), bytes);
  writeAtomic(join(folder, 'model.json'), JSON.stringify(spec, null, 2) + '\n');
  return { spec, built: true };
}
