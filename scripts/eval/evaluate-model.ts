/**
 * Scores one embedder on the evaluation set through the app's real search path (int8 shard,
 * WASM FlatIndex): label retrieval from other photographers' photos, and instance retrieval of
 * each camera query's original.
 */
import { readFile } from 'node:fs/promises';
import { summarizeRankings, type RetrievalSummary } from '../../src/shared/metrics/summary.ts';
import { MAX_K } from '../../src/shared/search/flat-index.ts';
import type { LabelledPhoto } from '../lib/dataset.ts';
import type { PhotoSource } from '../lib/photo-source.ts';
import { embedPhotos, type EmbedOptions } from './embed-photos.ts';
import type { Embedder } from './embedders.ts';
import type { InstanceSet } from '../lib/instance-queries.ts';
import { buildSearchIndex } from './search-index.ts';

export interface ModelEvaluation extends RetrievalSummary {
  name: string;
  dim: number;
  instance_queries: number;
  instance_recall_at_1: number;
  instance_recall_at_5: number;
  /** R@1 of the queries stored sideways with an EXIF orientation tag (a decoder check). */
  instance_sideways_recall_at_1: number;
}

export interface EvalSet {
  catalog: LabelledPhoto[];
  queries: LabelledPhoto[];
  instance: InstanceSet;
}

const fromFile = (photo: LabelledPhoto): PhotoSource => ({
  load: async () => new Uint8Array(await readFile(photo.path)),
});

export async function evaluateModel(
  embedder: Embedder,
  set: EvalSet,
  options: EmbedOptions,
): Promise<ModelEvaluation> {
  const dim = embedder.dim;
  const catalog = await embedPhotos(embedder, set.catalog.map(fromFile), {
    ...options,
    label: 'catalog',
  });
  const queries = await embedPhotos(embedder, set.queries.map(fromFile), {
    ...options,
    label: 'queries',
  });
  const camera = await embedPhotos(embedder, set.instance.queries, {
    ...options,
    label: 'camera queries',
  });
  const index = await buildSearchIndex(catalog.vectors, dim, {
    id: embedder.id,
    hash: embedder.cacheKey,
  });

  const labels = set.catalog.map((p) => p.label);
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  // The kernel returns at most MAX_K results, so MRR counts a first hit up to rank MAX_K.
  const depth = Math.min(MAX_K, labels.length);
  const rankings = set.queries.map((query, q) => {
    const { indices } = index.search(queries.vectors.subarray(q * dim, (q + 1) * dim), depth);
    return {
      label: query.label,
      ranked: Array.from(indices, (i) => labels[i] === query.label),
      totalRelevant: counts.get(query.label) ?? 0,
    };
  });

  let hits1 = 0;
  let hits5 = 0;
  let sideways = 0;
  let sidewaysHits = 0;
  set.instance.originals.forEach((original, q) => {
    const { indices } = index.search(camera.vectors.subarray(q * dim, (q + 1) * dim), 5);
    if (indices[0] === original) hits1++;
    if (indices.includes(original)) hits5++;
    if (set.instance.effects[q].some((e) => e.startsWith('exif'))) {
      sideways++;
      if (indices[0] === original) sidewaysHits++;
    }
  });
  const n = Math.max(1, set.instance.originals.length);
  return {
    name: embedder.name,
    dim,
    ...summarizeRankings(rankings),
    instance_queries: set.instance.originals.length,
    instance_recall_at_1: hits1 / n,
    instance_recall_at_5: hits5 / n,
    instance_sideways_recall_at_1: sidewaysHits / Math.max(1, sideways),
  };
}
