import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFilterMask } from '../../src/shared/search/filter.ts';
import { CentroidSearch } from '../../src/shared/search/centroid-search.ts';
import { buildCatalog } from '../catalog/pipeline.ts';
import { parseCsv } from '../lib/metadata.ts';
import { loadCatalog, type LoadedCatalog } from '../lib/load-catalog.ts';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared/datasets/clothing');
const work = mkdtempSync(join(tmpdir(), 'search-text-'));

// 60 dresses (about one in nine is red) and 30 other garments from the real data set.
const rows = parseCsv(readFileSync(join(shared, 'images.csv'), 'utf8')).slice(1);
const dresses = rows.filter((r) => r[2] === 'Dress').map((r) => r[0]);
const others = rows.filter((r) => r[2] !== 'Dress').map((r) => r[0]);
const photos = [...dresses.sort().slice(0, 60), ...others.sort().slice(0, 30)];

let catalog: LoadedCatalog;

beforeAll(async () => {
  mkdirSync(join(work, 'images'));
  for (const id of photos) {
    copyFileSync(join(shared, 'images', `${id}.jpg`), join(work, 'images', `${id}.jpg`));
  }
  await buildCatalog({
    images: join(work, 'images'),
    meta: join(shared, 'images.csv'),
    models: ['mobilenet-v2'],
    out: join(work, 'catalog'),
    cache: join(work, 'cache'),
    shardBytes: 4 * 1024 * 1024,
  });
  catalog = await loadCatalog(join(work, 'catalog'));
});

const redDresses = () =>
  catalog.items.ids.filter(
    (_, i) => catalog.items.fields.label[i] === 'Dress' && catalog.items.fields.colour[i] === 'red',
  );

const cli = async (...args: string[]) => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'scripts/search-cli.ts'), ...args],
    { cwd: root },
  );
  return stdout;
};

describe('text search with an image-only model (keyword fallback)', () => {
  it('"red dress" returns exactly the red dresses, most typical first', async () => {
    const expected = redDresses();
    expect(expected.length, 'the subset must hold red dresses').toBeGreaterThan(1);
    const line = JSON.parse(
      await cli('--catalog', join(work, 'catalog'), '--k', '50', '--json', '--text', 'red dress'),
    );
    expect(line.text).toBe('red dress');
    expect(line.filters).toEqual({ colour: ['red'], label: ['Dress'] });
    expect(line.leftover).toEqual([]);
    const results = line.results as { id: string; score: number; label: string; colour: string }[];
    expect(results.map((r) => r.id).sort()).toEqual([...expected].sort());
    for (const r of results) expect([r.label, r.colour]).toEqual(['Dress', 'red']);
    const scores = results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('ranks by cosine to the float centroid of the matches, deterministically', () => {
    const index = catalog.indexes.get('mobilenet-v2')!;
    const mask = buildFilterMask(catalog.items, { label: ['Dress'] });
    index.setFilter(mask);
    const ranker = new CentroidSearch(index.dim);
    const first = ranker.search(index, mask, 10);
    const again = ranker.search(index, mask, 10);
    index.setFilter(null);
    expect(Array.from(again.indices)).toEqual(Array.from(first.indices));

    // Reference: the centroid and cosines in plain floats over the same stored vectors.
    const members = catalog.items.ids.flatMap((_, i) =>
      catalog.items.fields.label[i] === 'Dress' ? [i] : [],
    );
    const centroid = new Float64Array(index.dim);
    for (const i of members) index.vector(i).forEach((v, j) => (centroid[j] += v));
    const cosine = (i: number) => {
      const v = index.vector(i);
      let dot = 0;
      let a = 0;
      let b = 0;
      v.forEach((x, j) => {
        dot += x * centroid[j];
        a += x * x;
        b += centroid[j] * centroid[j];
      });
      return dot / Math.sqrt(a * b);
    };
    const reference = members.map((i) => ({ i, c: cosine(i) })).sort((x, y) => y.c - x.c);
    expect(first.indices[0]).toBe(reference[0].i);
    Array.from(first.indices).forEach((i, rank) =>
      expect(first.scores[rank]).toBeCloseTo(cosine(i), 2),
    );
  });

  it('prints no results, and the words it ignored, when no word names a catalog value', async () => {
    const line = JSON.parse(
      await cli('--catalog', join(work, 'catalog'), '--json', '--text', 'floral print'),
    );
    expect(line.results).toEqual([]);
    expect(line.leftover).toEqual(['floral', 'print']);
  });
});
