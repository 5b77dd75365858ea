import { instanceFirstOrder } from '../src/shared/search/label-rerank.ts';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { buildCatalog } from './catalog/pipeline.ts';

const root = resolve(import.meta.dirname, '..');
const shared = resolve(root, '../shared/datasets/clothing');
const work = mkdtempSync(join(tmpdir(), 'search-cli-'));
const photos = readdirSync(join(shared, 'images')).sort().slice(200, 260);

beforeAll(async () => {
  mkdirSync(join(work, 'images'));
  for (const p of photos) copyFileSync(join(shared, 'images', p), join(work, 'images', p));
  await buildCatalog({
    images: join(work, 'images'),
    meta: join(shared, 'images.csv'),
    models: ['mobilenet-v2'],
    out: join(work, 'catalog'),
    cache: join(work, 'cache'),
    shardBytes: 4 * 1024 * 1024,
  });
});

it('finds a catalog photo first, prints one JSON line per image, and reports a bad one', async () => {
  const bad = join(work, 'notes.jpg');
  writeFileSync(bad, 'not a photo');
  const query = join(shared, 'images', photos[17]);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      join(root, 'node_modules/tsx/dist/cli.mjs'),
      join(root, 'scripts/search-cli.ts'),
      '--catalog',
      join(work, 'catalog'),
      '--k',
      '5',
      '--json',
      query,
      bad,
    ],
    { cwd: root },
  );
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines).toHaveLength(2);
  const [hit, miss] = lines;
  expect(hit.image).toBe(query);
  expect(hit.results).toHaveLength(5);
  expect(hit.results[0].id).toBe(photos[17].replace('.jpg', ''));
  // The catalog stores the mean of the full photo and its centre 80%, so its own score is ~0.93.
  expect(hit.results[0].score).toBeGreaterThanOrEqual(0.9);
  expect(hit.results[0]).toHaveProperty('label');
  expect(hit.results[0]).toHaveProperty('colour');
  const scores = hit.results.map((r: { score: number }) => r.score);
  // The best instance match among the nearest first; after it the neighbours' kind vote lifts a
  // result by at most its weight.
  expect(instanceFirstOrder(scores)).toBe(true);
  expect(miss.image).toBe(bad);
  expect(miss.error).toMatch(/image|decode|format|unsupported/i);
});
