/**
 * A copy of the built app whose catalog is synthetic: `count` items (e.g. 100k) of the demo
 * catalog's models, random int8 vectors encoded with the shared shard encoder in 4 MiB shards,
 * an item table cycling the demo items' fields and thumbnails (the demo's thumbnail packs are
 * reused). Everything else in the copy is a symlink to the built app.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogManifest, ItemTable, ShardRef } from '../../../src/shared/catalog/manifest.ts';
import { encodeShard } from '../../../src/shared/catalog/shard.ts';
import { writeHashed } from '../../lib/catalog-files.ts';
import { SyntheticCatalog } from '../suites/search-data.ts';

const SHARD_BYTES = 4 * 1024 * 1024;

export interface SyntheticApp {
  outDir: string;
  count: number;
  dims: number[];
  /** Bytes of vector shards and of the item table the app downloads. */
  shardBytes: number;
  itemBytes: number;
}

export function writeSyntheticApp(builtDir: string, count: number): SyntheticApp {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-app-synthetic-'));
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  for (const entry of readdirSync(builtDir)) {
    if (entry !== 'catalog') symlinkSync(join(builtDir, entry), join(outDir, entry));
  }
  const out = join(outDir, 'catalog');
  mkdirSync(out);
  symlinkSync(join(builtDir, 'catalog', 'thumbs'), join(out, 'thumbs'));

  const demo = JSON.parse(
    readFileSync(join(builtDir, 'catalog', 'manifest.json'), 'utf8'),
  ) as CatalogManifest;
  const demoItems = JSON.parse(
    readFileSync(join(builtDir, 'catalog', demo.items.file), 'utf8'),
  ) as ItemTable;
  let shardBytes = 0;
  const models = demo.models.map((model, m) => {
    const { dim } = model;
    const catalog = new SyntheticCatalog(count, dim, 101 + m);
    const rows = Math.floor(SHARD_BYTES / dim);
    const shards: ShardRef[] = [];
    for (let start = 0; start < count; start += rows) {
      const n = Math.min(rows, count - start);
      const codes = new Int8Array(n * dim);
      const scales = new Float32Array(n);
      catalog.fill(start, n, codes, scales);
      const bytes = encodeShard({
        modelId: model.spec.id,
        modelHash: model.spec.sha256,
        dim,
        start,
        codes,
        scales,
      });
      const stem = `shard-${String(shards.length).padStart(3, '0')}`;
      const ref = writeHashed(out, model.spec.id, stem, '.bin', bytes, { gzip: true });
      shards.push({ ...ref, start, count: n });
      // What a visit transfers: the gzip copy where compression paid.
      shardBytes += ref.gzipBytes ?? ref.bytes;
    }
    return { ...model, quantization: 'int8-symmetric-per-vector' as const, shards };
  });

  const cycle = <T>(values: T[]) =>
    Array.from({ length: count }, (_, i) => values[i % values.length]);
  const items: ItemTable = {
    ids: Array.from({ length: count }, (_, i) => `synthetic-${String(i).padStart(6, '0')}`),
    fields: Object.fromEntries(
      Object.entries(demoItems.fields).map(([name, column]) => [name, cycle(column)]),
    ),
    thumbs: cycle(demoItems.thumbs),
  };
  const itemBytes = Buffer.from(JSON.stringify(items));
  const itemRef = writeHashed(out, 'items', 'items', '.json', itemBytes, { gzip: true });
  const manifest: CatalogManifest = {
    ...demo,
    version: `synthetic-${count}-${itemRef.sha256.slice(0, 8)}`,
    createdAt: new Date().toISOString(),
    count,
    models,
    items: itemRef,
  };
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 1));
  return {
    outDir,
    count,
    dims: models.map((m) => m.dim),
    shardBytes,
    itemBytes: itemBytes.byteLength,
  };
}
