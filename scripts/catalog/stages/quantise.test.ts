import { describe, expect, it } from 'vitest';
import { decodeShard } from '../../../src/shared/catalog/shard.ts';
import { seededRandom } from '../../../src/shared/search/seeded-random.ts';
import type { CatalogPhoto } from '../photo-caches.ts';
import { fakeModel } from './fake-model.ts';
import { quantiseModel, shardRanges } from './quantise.ts';

describe('quantise stage', () => {
  it('tiles the items into shards, one empty shard for an empty catalog', () => {
    expect(shardRanges(5, 2)).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
    expect(shardRanges(4, 4)).toEqual([[0, 4]]);
    expect(shardRanges(0, 4)).toEqual([[0, 0]]);
  });

  it("encodes each model's vectors as residual int8 shards of about shardBytes", async () => {
    const dim = 6;
    const model = fakeModel('m', dim);
    const random = seededRandom(3);
    const photos = Array.from({ length: 7 }, (_, i): CatalogPhoto => {
      const vector = Float32Array.from({ length: dim }, () => random() - 0.5);
      return { file: { id: `p${i}`, path: '' }, hash: `${i}`, vectors: new Map([['m', vector]]) };
    });
    // (dim + 4) bytes an item: 30 bytes hold 3 items.
    const q = await quantiseModel(model, photos, 30);
    expect(q.shards.map((s) => [s.start, s.count])).toEqual([
      [0, 3],
      [3, 3],
      [6, 1],
    ]);
    expect(q.floatBytes).toBe(7 * dim * 4);
    expect(q.recallAt10).toBe(1);
    const shard = decodeShard(q.shards[1].bytes, { modelId: 'm', modelHash: model.spec.sha256 });
    expect(shard.header).toMatchObject({ dim, start: 3, count: 3 });
    // Residuals from one centre, which every shard of the model carries.
    const first = decodeShard(q.shards[0].bytes);
    expect(shard.center).toHaveLength(dim);
    expect(Array.from(shard.center!)).toEqual(Array.from(first.center!));
  });
});
