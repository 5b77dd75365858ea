/**
 * What the evaluation embeds photos with: a registry model (models/<id>, run exactly as the
 * catalog build runs it) or the colour-histogram baseline. Both take encoded photo bytes.
 */
import { decodeImageNode, loadNodeModel, type NodeModel } from '../lib/node-model.ts';
import type { InstancePart } from '../../src/shared/search/instance-first.ts';
import { viewMeanModel, viewsTag, type ViewName } from '../lib/catalog-views.ts';
import {
  colourHistogramOf,
  COLOUR_HISTOGRAM_DIM,
  COLOUR_HISTOGRAM_ID,
} from '../lib/colour-histogram.ts';

export interface Embedder {
  id: string;
  name: string;
  dim: number;
  /** Changes whenever the embeddings would (model file hash, baseline version). */
  cacheKey: string;
  /** Appended to cache file names: the catalog views' tag (catalog-views.ts), '' for one view. */
  cacheTag?: string;
  /** The model's instance part (spec.output.instance), when it declares one. */
  instance?: InstancePart;
  /** Embeds encoded photos (JPEG, PNG, WebP; EXIF orientation honoured), L2-normalised rows. */
  embed(photos: Uint8Array[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

function nodeModelEmbedder(model: NodeModel, cacheTag = ''): Embedder {
  return {
    id: model.spec.id,
    name: model.spec.name,
    dim: model.dim,
    cacheKey: model.spec.sha256,
    cacheTag,
    instance: model.spec.output.instance,
    async embed(photos) {
      const images = await Promise.all(photos.map((bytes) => decodeImageNode(bytes)));
      return model.embedImages(images);
    },
    dispose: () => model.dispose(),
  };
}

export async function modelEmbedder(id: string): Promise<Embedder> {
  return nodeModelEmbedder(await loadNodeModel(id));
}

/** What embeds queries, and what embeds the catalog (the unit mean of its views, as `npm run catalog` stores). */
export interface EmbedderPair {
  query: Embedder;
  catalog: Embedder;
  dispose(): Promise<void>;
}

/** Both sides for an id, sharing one model session; the baseline ignores views. */
export async function embeddersFor(id: string, views: readonly ViewName[]): Promise<EmbedderPair> {
  if (id === COLOUR_HISTOGRAM_ID) {
    const baseline = colourHistogramEmbedder();
    return { query: baseline, catalog: baseline, dispose: () => baseline.dispose() };
  }
  const model = await loadNodeModel(id);
  const query = nodeModelEmbedder(model);
  return {
    query,
    catalog: nodeModelEmbedder(viewMeanModel(model, views), viewsTag(views)),
    dispose: () => query.dispose(),
  };
}

export function colourHistogramEmbedder(): Embedder {
  return {
    id: COLOUR_HISTOGRAM_ID,
    name: 'Colour histogram (8x8x8 RGB, central 60%)',
    dim: COLOUR_HISTOGRAM_DIM,
    cacheKey: 'colour-histogram-v1',
    async embed(photos) {
      const out = new Float32Array(photos.length * COLOUR_HISTOGRAM_DIM);
      const vectors = await Promise.all(
        photos.map((bytes) => colourHistogramOf(Buffer.from(bytes))),
      );
      vectors.forEach((v, i) => out.set(v, i * COLOUR_HISTOGRAM_DIM));
      return out;
    },
    dispose: () => Promise.resolve(),
  };
}
