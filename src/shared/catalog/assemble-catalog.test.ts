import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../model/spec.ts';
import { seededRandom } from '../search/seeded-random.ts';
import { assembleCatalog, type ReadBytes } from './assemble-catalog.ts';
import { CatalogFileError } from './catalog-file-error.ts';
import type { CatalogManifest, FileRef, ItemTable, ShardRef } from './manifest.ts';
import { sha256HexSync } from './sha256.ts';
import { encodeShard } from './shard.ts';

const DIM = 8;
const COUNT = 5;
const MODEL_HASH = 'a'.repeat(64);
const random = seededRandom(11);
const codes = Int8Array.from({ length: COUNT * DIM }, () => Math.floor(random() * 255) - 127);
const scales = Float32Array.from({ length: COUNT }, () => 0.01 + random() * 0.01);

/** A two-shard, one-model catalog in memory; `tweak` may rewrite files before refs are taken. */
function catalog(tweak: { shards?: Uint8Array[]; items?: ItemTable; ranges?: number[][] } = {}) {
  const files = new Map<string, Uint8Array>();
  const ref = (file: string, bytes: Uint8Array): FileRef => {
    files.set(file, bytes);
    return { file, bytes: bytes.byteLength, sha256: sha256HexSync(bytes) };
  };
  const ranges = tweak.ranges ?? [
    [0, 3],
    [3, 2],
  ];
  const shards: ShardRef[] = ranges.map(([start, count], i) => {
    const bytes =
      tweak.shards?.[i] ??
      encodeShard({
        modelId: 'm',
        modelHash: MODEL_HASH,
        dim: DIM,
        start,
        codes: codes.subarray(start * DIM, (start + count) * DIM),
        scales: scales.subarray(start, start + count),
      });
    return { ...ref(`m/shard-${i}.bin`, bytes), start, count };
  });
  const pack = ref('thumbs/pack-0.bin', new Uint8Array(50));
  const table: ItemTable = tweak.items ?? {
    ids: ['a', 'b', 'c', 'd', 'e'],
    fields: { label: ['x', 'y', 'x', 'y', 'x'] },
    thumbs: [0, 10, 20, 30, 40].map((offset) => [0, offset, 10]),
  };
  const manifest = {
    format: 'lookalike-catalog',
    formatVersion: 1,
    version: 'v',
    createdAt: '2026-01-01T00:00:00.000Z',
    count: COUNT,
    models: [
      {
        spec: { id: 'm', sha256: MODEL_HASH } as ModelSpec,
        dim: DIM,
        quantization: 'int8-symmetric-per-vector',
        shards,
      },
    ],
    items: ref('items.json', new TextEncoder().encode(JSON.stringify(table))),
    thumbs: { maxSide: 256, packs: [pack] },
  } satisfies CatalogManifest;
  const readBytes: ReadBytes = async ({ file }) => files.get(file)!;
  return { manifest, files, readBytes };
}

const shardOf = (start: number, count: number, over: { modelHash?: string; dim?: number } = {}) =>
  encodeShard({
    modelId: 'm',
    modelHash: over.modelHash ?? MODEL_HASH,
    dim: over.dim ?? DIM,
    start,
    codes: new Int8Array(count * (over.dim ?? DIM)),
    scales: new Float32Array(count),
  });

async function failure(promise: Promise<unknown>): Promise<CatalogFileError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CatalogFileError);
  return error as CatalogFileError;
}

describe('assembleCatalog', () => {
  it('indexes every shard in item order and returns the item table', async () => {
    const { manifest, readBytes } = catalog();
    const { items, indexes } = await assembleCatalog(manifest, readBytes);
    expect(items.ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    const index = indexes.get('m')!;
    expect(index.count).toBe(COUNT);
    // Item 4 (in the second shard) is its own nearest neighbour.
    const query = Array.from(codes.subarray(4 * DIM, 5 * DIM), (c) => c * scales[4]);
    expect(index.search(query, 1).indices[0]).toBe(4);
  });

  it('indexes only the models `include` accepts', async () => {
    const { manifest, readBytes } = catalog();
    const { indexes } = await assembleCatalog(manifest, readBytes, { include: () => false });
    expect(indexes.size).toBe(0);
  });

  it('rejects a corrupt shard by its checksum, or by its CRC when the reader verified it', async () => {
    const { manifest, files, readBytes } = catalog();
    const bytes = files.get('m/shard-1.bin')!;
    bytes[bytes.length >> 1] ^= 0x10;
    const error = await failure(assembleCatalog(manifest, readBytes));
    expect(error.code).toBe('checksum');
    expect(error.file).toBe('m/shard-1.bin');
    const trusted = await failure(assembleCatalog(manifest, readBytes, { verified: true }));
    expect(trusted.code).toBe('format');
    expect(trusted.message).toMatch(/m\/shard-1\.bin is not a valid shard: .*corrupt/);
  });

  it('rejects a truncated file', async () => {
    const { manifest, files, readBytes } = catalog();
    files.set('items.json', files.get('items.json')!.subarray(1));
    expect((await failure(assembleCatalog(manifest, readBytes))).code).toBe('checksum');
  });

  it('rejects shards of another build of the model, or of another dim', async () => {
    const other = catalog({ shards: [shardOf(0, 3, { modelHash: 'b'.repeat(64) })] });
    const error = await failure(assembleCatalog(other.manifest, other.readBytes));
    expect(error.message).toMatch(/m\/shard-0\.bin is not a valid shard: .*another build of m/);
    const wide = catalog({ shards: [shardOf(0, 3, { dim: DIM * 2 })] });
    expect((await failure(assembleCatalog(wide.manifest, wide.readBytes))).message).toMatch(
      /dim 16, expected 8/,
    );
  });

  it('rejects a shard holding other items than the manifest says', async () => {
    const moved = catalog({ shards: [shardOf(1, 3)] });
    const error = await failure(assembleCatalog(moved.manifest, moved.readBytes));
    expect(error.message).toMatch(/m\/shard-0\.bin .* holds items 1\+3, not 0\+3/);
  });

  it('rejects shards that leave a gap or fall short of the item count', async () => {
    const gap = catalog({
      ranges: [
        [0, 2],
        [3, 2],
      ],
    });
    const error = await failure(assembleCatalog(gap.manifest, gap.readBytes));
    expect(error.message).toMatch(/shard-1\.bin starts at item 3, but .* end at 2/);
    const short = catalog({ ranges: [[0, 3]] });
    expect((await failure(assembleCatalog(short.manifest, short.readBytes))).message).toMatch(
      /shards hold 3 vectors, not 5/,
    );
  });

  it('rejects an item table of the wrong length or with thumbnails outside their pack', async () => {
    const base = { ids: ['a'], fields: {}, thumbs: [[0, 0, 1]] } as ItemTable;
    const short = catalog({ items: base });
    expect((await failure(assembleCatalog(short.manifest, short.readBytes))).message).toMatch(
      /ids must be 5 strings/,
    );
    const outside = catalog({
      items: {
        ids: ['a', 'b', 'c', 'd', 'e'],
        fields: {},
        thumbs: [0, 10, 20, 30, 45].map((offset) => [0, offset, 10]),
      },
    });
    const error = await failure(assembleCatalog(outside.manifest, outside.readBytes));
    expect(error.file).toBe('items.json');
    expect(error.message).toMatch(/outside its pack/);
  });
});
