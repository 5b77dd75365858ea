import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../lib/load-catalog.ts';
import { PhotoCaches, type CatalogPhoto } from '../photo-caches.ts';
import { embed } from './embed.ts';
import { fakeModel } from './fake-model.ts';
import { quantiseModel } from './quantise.ts';
import { scan } from './scan.ts';
import { writeCatalog } from './write.ts';

const shared = resolve(import.meta.dirname, '../../../../shared/datasets/clothing/images');

/** Five real photos and one that does not decode, scanned. */
async function scanned() {
  const images = mkdtempSync(join(tmpdir(), 'catalog-stages-'));
  for (const name of readdirSync(shared).sort().slice(0, 5)) {
    copyFileSync(join(shared, name), join(images, name));
  }
  writeFileSync(join(images, 'zz-broken.jpg'), 'not a photo');
  return (await scan(images)).photos.map((p): CatalogPhoto => ({ ...p, vectors: new Map() }));
}

describe('decode, embed and write stages', () => {
  it('embeds what the caches lack in batches, skips unreadable photos, and caches the rest', async () => {
    const photos = await scanned();
    const models = [fakeModel('a', 4), fakeModel('b', 3)];
    const cacheDir = mkdtempSync(join(tmpdir(), 'catalog-cache-'));
    const caches = new PhotoCaches(cacheDir, models);
    const work = photos.filter((p) => caches.fill(p, models));
    expect(work).toHaveLength(6);
    const first = await embed(work, models, caches, 4);
    expect(first.embedded).toEqual({ a: 5, b: 5 });
    expect(first.skipped.map((s) => s.path)).toEqual([photos[5].file.path]);
    expect(models[0].calls).toEqual([4, 1]);
    expect(photos.slice(0, 5).every((p) => p.thumb && p.colour && p.vectors.size === 2)).toBe(true);
    caches.save(new Set(photos.slice(0, 5).map((p) => p.hash)));

    // A second build finds all but the broken photo in the caches.
    const again = await scanned();
    const reopened = new PhotoCaches(cacheDir, models);
    expect(again.filter((p) => reopened.fill(p, models)).map((p) => p.file.id)).toEqual([
      'zz-broken',
    ]);
    expect(again[2].vectors.get('b')).toEqual(photos[2].vectors.get('b'));
  });

  it('writes a catalog the app-side checks accept, and leaves an unchanged one alone', async () => {
    const photos = (await scanned()).slice(0, 5);
    const models = [fakeModel('a', 4)];
    await embed(photos, models, new PhotoCaches(mkdtempSync(join(tmpdir(), 'c-')), models), 8);
    const quantised = [await quantiseModel(models[0], photos, 16)];
    const out = mkdtempSync(join(tmpdir(), 'catalog-out-'));
    const meta = new Map([[photos[1].file.id, { label: 'Hat' }]]);
    writeFileSync(join(out, 'stale.bin'), 'left by an older build');
    const first = writeCatalog(out, quantised, photos, meta, 1024);
    expect(first.unchanged).toBe(false);
    expect(first.removed).toBe(1);
    expect(existsSync(join(out, 'stale.bin'))).toBe(false);

    const catalog = await loadCatalog(out);
    expect(catalog.manifest.version).toBe(first.version);
    // 16 bytes hold 2 items of dim 4 (4 code bytes + a 4-byte scale each).
    expect(catalog.manifest.models[0].shards).toHaveLength(3);
    expect(catalog.items.ids).toEqual(photos.map((p) => p.file.id));
    expect(catalog.items.fields.label).toEqual(['', 'Hat', '', '', '']);
    expect(catalog.indexes.get('a')!.count).toBe(5);
    expect(new Set(catalog.items.thumbs.map(([pack]) => pack)).size).toBeGreaterThan(1);

    const second = writeCatalog(out, quantised, photos, meta, 1024);
    expect(second).toEqual({ ...first, unchanged: true, removed: 0 });
  });
});
