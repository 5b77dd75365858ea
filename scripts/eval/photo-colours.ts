/**
 * The dominant colour family of evaluation photos, computed exactly as the catalog build stores
 * its `colour` field (decodeImageNode, then src/shared/catalog/colour.ts), for catalog photos
 * and query photos alike. Cached by photo content and the colour code's own hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { dominantColour } from '../../src/shared/catalog/colour.ts';
import { decodeImageNode } from '../lib/decode-node.ts';
import { ProgressBar } from '../lib/progress.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const colourCode = resolve(import.meta.dirname, '../../src/shared/catalog/colour.ts');

/** Colour family per photo path, in order. */
export async function photoColours(paths: readonly string[], cacheDir: string): Promise<string[]> {
  const version = sha256(readFileSync(colourCode)).slice(0, 12);
  const file = join(cacheDir, `colours-${version}.json`);
  const cache: Record<string, string> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  const bar = new ProgressBar('colours', paths.length);
  const out: string[] = [];
  let added = 0;
  for (let start = 0; start < paths.length; start += 16) {
    const part = await Promise.all(
      paths.slice(start, start + 16).map(async (path) => {
        const bytes = await readFile(path);
        const hash = sha256(bytes);
        if (!cache[hash]) {
          const image = await decodeImageNode(bytes);
          cache[hash] = dominantColour(image.data, image.width, image.height);
          added++;
        }
        return cache[hash];
      }),
    );
    out.push(...part);
    bar.tick(part.length);
  }
  bar.finish();
  if (added) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(file + '.tmp', JSON.stringify(cache));
    renameSync(file + '.tmp', file);
  }
  return out;
}

/** Colour families of an evaluation's two sides, as looks-alike P@5 reads them. */
export async function sideColours(
  catalog: readonly { path: string }[],
  queries: readonly { path: string }[],
  cacheDir: string,
): Promise<{ catalog: string[]; queries: string[] }> {
  return {
    catalog: await photoColours(
      catalog.map((p) => p.path),
      cacheDir,
    ),
    queries: await photoColours(
      queries.map((p) => p.path),
      cacheDir,
    ),
  };
}
