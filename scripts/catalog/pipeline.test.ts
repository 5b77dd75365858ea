import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogManifest } from '../../src/shared/catalog/manifest.ts';
import { decodeShard, ShardFormatError } from '../../src/shared/catalog/shard.ts';
import { CatalogFileError } from '../../src/shared/catalog/catalog-file-error.ts';
import { filesOf } from '../lib/catalog-files.ts';
import { loadCatalog } from '../lib/load-catalog.ts';
import { buildCatalog, type BuildOptions } from './pipeline.ts';

const shared = resolve(import.meta.dirname, '../../../shared/datasets/clothing');
const photos = readdirSync(join(shared, 'images')).sort();
const work = mkdtempSync(join(tmpdir(), 'catalog-test-'));

function folder(name: string, files: string[]): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of files) copyFileSync(join(shared, 'images', file), join(dir, file));
  return dir;
}

function options(images: string, out: string, cache: string): BuildOptions {
  return {
    images,
    meta: join(shared, 'images.csv'),
    models: ['mobilenet-v2'],
    out,
    cache,
    shardBytes: 1024,
  };
}

const manifestOf = (out: string) =>
  JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as CatalogManifest;

describe('catalog build on a small set with bad files', () => {
  const images = folder('bad', photos.slice(0, 24));
  const out = join(work, 'bad-out');
  beforeAll(() => {
    writeFileSync(join(images, 'empty.jpg'), '');
    writeFileSync(join(images, 'text.jpg'), 'this is not a photo\n');
    const jpeg = readFileSync(join(shared, 'images', photos[30]));
    writeFileSync(join(images, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.4)));
  });

  it('skips and reports unreadable photos, indexes the rest, and the checksums verify', async () => {
    const report = await buildCatalog(options(images, out, join(work, 'cache-bad')));
    expect(report.count).toBe(24);
    expect(report.skipped.map((s) => s.path.split('/').pop()).sort()).toEqual([
      'empty.jpg',
      'text.jpg',
      'truncated.jpg',
    ]);
    for (const s of report.skipped) expect(s.reason.length).toBeGreaterThan(5);
    // 24 items leave 23 neighbours: one miss is 0.4 %, so the bar here is looser than the
    // real catalog's 0.99 (build-shared.test.ts).
    expect(report.recallAt10['mobilenet-v2']).toBeGreaterThanOrEqual(0.95);
    const manifest = manifestOf(out);
    expect(manifest.models[0].shards.length).toBeGreaterThan(1); // 1 KB shards split 24 vectors
    const catalog = await loadCatalog(out);
    expect(catalog.items.ids).toHaveLength(24);
    expect(catalog.indexes.get('mobilenet-v2')!.count).toBe(24);
    expect(Object.keys(catalog.items.fields).sort()).toEqual([
      'colour',
      'kids',
      'label',
      'sender_id',
    ]);
  });

  it('detects a flipped byte in a shard', async () => {
    const copy = join(work, 'flipped');
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy);
    const manifest = manifestOf(out);
    for (const ref of [...manifest.models[0].shards, manifest.items, ...manifest.thumbs.packs]) {
      mkdirSync(join(copy, ref.file, '..'), { recursive: true });
      copyFileSync(join(out, ref.file), join(copy, ref.file));
    }
    copyFileSync(join(out, 'manifest.json'), join(copy, 'manifest.json'));
    const shardFile = join(copy, manifest.models[0].shards[0].file);
    const bytes = readFileSync(shardFile);
    bytes[bytes.length >> 1] ^= 0x10;
    writeFileSync(shardFile, bytes);
    await expect(loadCatalog(copy)).rejects.toThrow(CatalogFileError);
    // The shard's own checksum catches it too, without the manifest.
    expect(() => decodeShard(new Uint8Array(bytes))).toThrow(ShardFormatError);
  });
});

describe('incremental build', () => {
  it('embeds only the 10 new photos and yields the same files as a clean build', async () => {
    const first = photos.slice(100, 140);
    const second = [...first.slice(5), ...photos.slice(140, 150)];
    const cache = join(work, 'cache-delta');
    const out = join(work, 'delta-out');
    const initial = await buildCatalog(options(folder('delta', first), out, cache));
    expect(initial.embedded['mobilenet-v2']).toBe(40);
    const delta = await buildCatalog(options(folder('delta', second), out, cache));
    expect(delta.embedded['mobilenet-v2']).toBe(10);
    expect(delta.count).toBe(45);

    const clean = await buildCatalog(
      options(folder('clean', second), join(work, 'clean-out'), join(work, 'cache-clean')),
    );
    expect(clean.embedded['mobilenet-v2']).toBe(45);
    const a = manifestOf(out);
    const b = manifestOf(join(work, 'clean-out'));
    expect(a.version).toBe(b.version);
    expect(a.models[0].shards).toEqual(b.models[0].shards);
    expect(a.items).toEqual(b.items);
    expect(a.thumbs).toEqual(b.thumbs);
    // Files of the first build that the second no longer uses are gone.
    const files = readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(out, join(e.parentPath, e.name)).split(sep).join('/'));
    // The manifest, the shards, the item table, the packs and the picture digests, and the gzip
    // copies of those that have one (the item table's always pays).
    const refs = [
      ...a.models.flatMap((m) => m.shards),
      a.items,
      ...a.thumbs.packs,
      a.thumbs.digests!,
    ];
    expect(files.sort()).toEqual(['manifest.json', ...refs.flatMap(filesOf)].sort());
    expect(files).toContain(`${a.items.file}.gz`);

    const again = await buildCatalog(options(folder('delta', second), out, cache));
    expect(again.embedded['mobilenet-v2']).toBe(0);
    expect(again.unchanged).toBe(true);
  });
});
