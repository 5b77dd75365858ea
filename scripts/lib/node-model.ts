/**
 * A registry model in Node: reads `models/<id>/`, runs it with onnxruntime-node (or transformers.js
 * for `runtime: 'transformers'`), batches images.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseModelSpec } from '../../src/shared/catalog/validate-manifest.ts';
import { batchedImageEmbedder } from './batch-embed.ts';
import { createOnnxEmbedder, type OnnxEmbedder } from '../../src/shared/model/onnx-embedder.ts';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import type { NodeModel } from './node-model-type.ts';
import { loadTransformersNodeModel } from './transformers-node-model.ts';

export { decodeImageNode } from './decode-node.ts';
export type { DecodedImage } from '../../src/shared/preprocess/rgba-image.ts';
export type { NodeModel } from './node-model-type.ts';

export const modelsDir = resolve(import.meta.dirname, '../../models');

export class ModelMissingError extends Error {
  override name = 'ModelMissingError';
}

export function readModelSpec(id: string): ModelSpec {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(modelsDir, id, 'model.json'), 'utf8'));
  } catch {
    throw new ModelMissingError(`no model ${id} in ${modelsDir}: run npm run models`);
  }
  return parseModelSpec(json, `models/${id}/model.json`);
}

export async function loadNodeModel(
  id: string,
  options: { threads?: number; batch?: number } = {},
): Promise<NodeModel> {
  const spec = readModelSpec(id);
  if (spec.runtime === 'transformers') return loadTransformersNodeModel(spec, modelsDir, options);
  return onnxNodeModel(spec, readFileSync(resolve(modelsDir, id, spec.file)), options);
}

/** An ONNX model from its bytes and spec: a built model, or one made in memory and not written. */
export async function onnxNodeModel(
  spec: ModelSpec,
  bytes: Uint8Array,
  options: { threads?: number; batch?: number } = {},
): Promise<NodeModel> {
  const embedder: OnnxEmbedder = await createOnnxEmbedder(ort, bytes, spec, {
    threads: options.threads ?? cpus().length,
  });
  return {
    spec,
    dim: embedder.dim,
    embedImages: batchedImageEmbedder(spec.input, embedder.dim, options.batch ?? 16, (tensor, n) =>
      embedder.embed(tensor, n),
    ),
    dispose: () => embedder.dispose(),
  };
}
