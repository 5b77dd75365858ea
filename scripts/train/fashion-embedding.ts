/**
 * The fashion model's embedding computed the training way, from cached backbone features: the
 * reference the exported ONNX graph must reproduce, and what validation scores.
 */
import type { FeatureTable } from '../lib/backbone-features.ts';
import { selectFeatures } from '../lib/backbone-features.ts';
import { blendEmbeddings } from './blend.ts';
import type { HeadWeights } from '../lib/head-weights.ts';
import { embedAll } from './head.ts';
import type { HeadMeta } from '../lib/head-file.ts';

export function fashionEmbeddings(
  table: FeatureTable,
  head: HeadWeights,
  meta: Omit<HeadMeta, 'training'>,
): { vectors: Float32Array; dim: number } {
  const { features } = selectFeatures(table, meta.layers, meta.views, meta.layerNorm);
  const vectors = embedAll(head, features);
  if (!meta.blend) return { vectors, dim: head.shape.output };
  const raw = selectFeatures(table, [meta.blend.layer], meta.views, meta.layerNorm);
  return {
    vectors: blendEmbeddings(vectors, head.shape.output, raw.features, raw.dim, meta.blend.weight),
    dim: head.shape.output + raw.dim,
  };
}
