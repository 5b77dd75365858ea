/**
 * Builds the app's search index from float embeddings the way the catalog does: quantise with
 * the shared quantiser, encode and decode a real shard, append to the WASM FlatIndex.
 */
import { quantiseVectors } from '../../src/shared/catalog/quantise.ts';
import { decodeShard, encodeShard } from '../../src/shared/catalog/shard.ts';
import { FlatIndex } from '../../src/shared/search/flat-index.ts';

export async function buildSearchIndex(
  vectors: Float32Array,
  dim: number,
  model: { id: string; hash: string },
): Promise<FlatIndex> {
  const { codes, scales } = quantiseVectors(vectors, dim);
  const bytes = encodeShard({
    modelId: model.id,
    modelHash: model.hash,
    dim,
    start: 0,
    codes,
    scales,
  });
  const shard = decodeShard(bytes, { modelId: model.id, dim });
  const index = await FlatIndex.create({ dim });
  index.reserve(scales.length);
  index.append(shard.codes, shard.scales);
  return index;
}
