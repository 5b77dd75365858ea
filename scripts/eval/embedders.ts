/**
 * What the evaluation embeds photos with: a registry model (models/<id>, run exactly as the
 * catalog build runs it) or the colour-histogram baseline. Both take encoded photo bytes.
 */
import { decodeImageNode, loadNodeModel } from '../lib/node-model.ts';
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
  /** Embeds encoded photos (JPEG, PNG, WebP; EXIF orientation honoured), L2-normalised rows. */
  embed(photos: Uint8Array[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export async function modelEmbedder(id: string): Promise<Embedder> {
  const model = await loadNodeModel(id);
  return {
    id,
    name: model.spec.name,
    dim: model.dim,
    cacheKey: model.spec.sha256,
    async embed(photos) {
      const images = await Promise.all(photos.map((bytes) => decodeImageNode(bytes)));
      return model.embedImages(images);
    },
    dispose: () => model.dispose(),
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

/** The embedder for an id: the baseline's id or a model folder under models/. */
export function embedderFor(id: string): Promise<Embedder> {
  return id === COLOUR_HISTOGRAM_ID
    ? Promise.resolve(colourHistogramEmbedder())
    : modelEmbedder(id);
}
