/**
 * `npx tsx scripts/demo-set/make-manifest.ts [--from DIR] [--commit SHA] [--out FILE]`: writes the
 * demo set manifest from a local copy of the set (default ../shared/datasets/clothing: images/
 * and images.csv), hashing every photo the csv lists. The hashes are those of the shared copy,
 * which holds the repository's files as they are at the pinned commit.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { MANIFEST_PATH, type DemoSetManifest } from './demo-set-manifest.ts';

export const CLOTHING_REPO = 'alexeygrigorev/clothing-dataset';
/** The commit holding images.csv and images/ in GitHub's history of the repository. */
export const CLOTHING_COMMIT = '08b50460cf229fd852bb6c11564e0959f52578ca';

export function makeManifest(from: string, repo: string, commit: string): DemoSetManifest {
  const csv = readFileSync(join(from, 'images.csv'), 'utf8');
  const names = csv
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((row) => `${row.slice(0, row.indexOf(','))}.jpg`);
  const photos = names.map((name): [number, string] => {
    const bytes = readFileSync(join(from, 'images', name));
    return [bytes.byteLength, createHash('sha256').update(bytes).digest('hex')];
  });
  return { repo, commit, csv, photos };
}

export function writeManifest(manifest: DemoSetManifest, out: string): void {
  writeFileSync(out, gzipSync(JSON.stringify(manifest), { level: 9 }));
}

if (process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      from: {
        type: 'string',
        default: resolve(import.meta.dirname, '../../../shared/datasets/clothing'),
      },
      commit: { type: 'string', default: CLOTHING_COMMIT },
      out: { type: 'string', default: MANIFEST_PATH },
    },
  });
  const manifest = makeManifest(resolve(values.from), CLOTHING_REPO, values.commit);
  writeManifest(manifest, resolve(values.out));
  const total = manifest.photos.reduce((sum, [bytes]) => sum + bytes, 0);
  console.log(`${manifest.photos.length} photos, ${(total / 1e6).toFixed(1)} MB -> ${values.out}`);
}
