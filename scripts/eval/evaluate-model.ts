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
import type { Embedder, EmbedderPair } from './embedders.ts';
import type { InstanceSet } from '../lib/instance-queries.ts';
import { scoreInstances, sidewaysQueries, type InstanceScores } from './instance-scores.ts';
import { looksAlikePrecisionAt5 } from '../../src/shared/metrics/looks-alike.ts';
import { buildSearchIndex } from './search-index.ts';
import {
  INSTANCE_FIRST,
  instanceQueryFor,
  type InstanceFirstOptions,
} from '../../src/shared/search/instance-first.ts';
import {
  LABEL_RERANK,
  LabelReranker,
  searchWithLabels,
  type LabelRerankOptions,
} from '../../src/shared/search/label-rerank.ts';

export interface ModelEvaluation extends RetrievalSummary, InstanceScores {
  name: string;
  dim: number;
  /** P@5 where a result must share the query's label and dominant colour family. */
  looks_alike_p_at_5: number;
}

export interface EvalSet {
  catalog: LabelledPhoto[];
  queries: LabelledPhoto[];
  instance: InstanceSet;
  /** Dominant colour family of each catalog photo and each query (photo-colours.ts). */
  colours: { catalog: readonly string[]; queries: readonly string[] };
}

const fromFile = (photo: LabelledPhoto): PhotoSource => ({
  load: async () => new Uint8Array(await readFile(photo.path)),
});

/**
 * `embedder` embeds both sides, or a pair: queries with one, the catalog (its views) with the other.
 * `rerank`: the label re-ranking's settings (default: the app's), or null for the index's own order.
 * `instanceFirst`: the instance-first settings (default: the app's) for a model that declares an
 * instance part, or null to leave the first result to the other ranking.
 */
export async function evaluateModel(
  embedders: Embedder | Pick<EmbedderPair, 'query' | 'catalog'>,
  set: EvalSet,
  options: EmbedOptions,
  rerank: LabelRerankOptions | null = LABEL_RERANK,
  instanceFirst: InstanceFirstOptions | null = INSTANCE_FIRST,
): Promise<ModelEvaluation> {
  const { query: embedder, catalog: catalogSide } =
    'query' in embedders ? embedders : { query: embedders, catalog: embedders };
  const dim = embedder.dim;
  const catalog = await embedPhotos(catalogSide, set.catalog.map(fromFile), {
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
  // The app's ranking: the index's top candidates, re-ordered by the neighbours' label vote.
  const reranker = rerank && new LabelReranker(labels, rerank);
  // Then, for a model that declares an instance part, its best instance match first.
  const instance = (vector: Float32Array) => {
    const found = instanceQueryFor({ output: { instance: embedder.instance } }, vector, index);
    return found && instanceFirst && { ...found, options: instanceFirst };
  };
  const search = (vector: Float32Array, k: number) =>
    searchWithLabels(reranker, k, (depth) => index.search(vector, depth), instance(vector)).indices;
  const top = set.queries.map((_, q) =>
    search(queries.vectors.subarray(q * dim, (q + 1) * dim), depth),
  );
  const rankings = set.queries.map((query, q) => ({
    label: query.label,
    ranked: Array.from(top[q], (i) => labels[i] === query.label),
    totalRelevant: counts.get(query.label) ?? 0,
  }));
  const cameraTop = set.instance.originals.map((_, q) =>
    search(camera.vectors.subarray(q * dim, (q + 1) * dim), 5),
  );
  // The sideways shots again, stored upright (known once the shots above were made).
  const twinSources = sidewaysQueries(set.instance.effects).flatMap((q) => {
    const twin = set.instance.uprightTwin?.(q);
    return twin ? [{ q, twin }] : [];
  });
  const twins = await embedPhotos(
    embedder,
    twinSources.map((t) => t.twin),
    { ...options, label: 'upright twins' },
  );
  const twinResults = {
    queries: twinSources.map((t) => t.q),
    top5: twinSources.map((_, j) => search(twins.vectors.subarray(j * dim, (j + 1) * dim), 5)),
  };
  return {
    name: embedder.name,
    dim,
    ...summarizeRankings(rankings),
    looks_alike_p_at_5: looksAlikePrecisionAt5(
      top,
      { labels: set.queries.map((p) => p.label), colours: set.colours.queries },
      { labels, colours: set.colours.catalog },
    ),
    ...scoreInstances(cameraTop, set.instance.originals, set.instance.effects, twinResults),
  };
}
