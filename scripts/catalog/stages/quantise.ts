/**
 * Quantise stage: one model's vectors of the catalog's photos, as residuals from their mean
 * (docs/shard-format.md), int8-quantised into shard files of about `shardBytes`, with the int8
 * search's recall@10 against float32.
 */
import type { ManifestModel } from '../../../src/shared/catalog/manifest.ts';
import { meanVector, quantiseVectors } from '../../../src/shared/catalog/quantise.ts';
import { encodeShard } from '../../../src/shared/catalog/shard.ts';
import { recallAtKInt8VsFloat } from '../../../src/shared/search/recall.ts';
import type { NodeModel } from '../../lib/node-model.ts';
import type { CatalogPhoto } from '../photo-caches.ts';

export interface EncodedShard {
  bytes: Uint8Array;
  start: number;
  count: number;
}

export interface QuantisedModel {
  model: NodeModel;
  shards: EncodedShard[];
  recallAt10: number;
  /** What the same vectors take as float32. */
  floatBytes: number;
}

/** Splits items [0, count) into shards of `perShard`; an empty catalog still gets one shard. */
export function shardRanges(count: number, perShard: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < count || !ranges.length; start += perShard) {
    ranges.push([start, Math.min(count, start + perShard)]);
  }
  return ranges;
}

export async function quantiseModel(
  model: NodeModel,
  photos: readonly CatalogPhoto[],
  shardBytes: number,
): Promise<QuantisedModel> {
  const { dim } = model;
  const all = new Float32Array(photos.length * dim);
  photos.forEach((photo, i) => all.set(photo.vectors.get(model.spec.id)!, i * dim));
  const center = photos.length ? meanVector(all, dim) : undefined;
  const { codes, scales } = quantiseVectors(all, dim, { center });
  const recallAt10 = await recallAtKInt8VsFloat(all, dim, { queries: 200, k: 10, seed: 1 });
  const perShard = Math.max(1, Math.floor(shardBytes / (dim + 4)));
  const shards = shardRanges(photos.length, perShard).map(([start, end]) => ({
    start,
    count: end - start,
    bytes: encodeShard({
      modelId: model.spec.id,
      modelHash: model.spec.sha256,
      dim,
      start,
      codes: codes.subarray(start * dim, end * dim),
      scales: scales.subarray(start, end),
      center,
    }),
  }));
  return { model, shards, recallAt10, floatBytes: photos.length * dim * 4 };
}

/** The manifest's entry for a quantised model, once its shards have file references. */
export function manifestModel(
  quantised: QuantisedModel,
  shards: ManifestModel['shards'],
): ManifestModel {
  const { spec, dim } = quantised.model;
  return { spec, dim, quantization: 'int8-symmetric-per-vector', shards };
}
