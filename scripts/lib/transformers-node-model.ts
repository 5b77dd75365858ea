/** A `runtime: 'transformers'` registry model in Node: transformers.js on onnxruntime-node, offline. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as transformers from '@huggingface/transformers';
import { createTransformersEmbedder } from '../../src/shared/model/transformers-embedder.ts';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { batchedImageEmbedder } from './batch-embed.ts';
import type { NodeModel } from './node-model-type.ts';

/** Local files only: models come from `models/`, never from a hub, and nothing is cached. */
function configure(modelsDir: string): void {
  const { env } = transformers;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`;
  env.useFSCache = false;
  env.useBrowserCache = false;
}

export class ModelFilesError extends Error {
  override name = 'ModelFilesError';
}

/** Checks every file the spec lists (size and sha256) before any is loaded. */
function verifyFiles(spec: ModelSpec, folder: string): void {
  for (const ref of spec.files ?? [{ file: spec.file, bytes: spec.bytes, sha256: spec.sha256 }]) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(folder, ref.file));
    } catch {
      throw new ModelFilesError(`models/${spec.id}/${ref.file} is missing: run npm run models`);
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== ref.bytes || hash !== ref.sha256) {
      throw new ModelFilesError(`models/${spec.id}/${ref.file} does not match model.json`);
    }
  }
}

export async function loadTransformersNodeModel(
  spec: ModelSpec,
  modelsDir: string,
  options: { batch?: number } = {},
): Promise<NodeModel> {
  verifyFiles(spec, join(modelsDir, spec.id));
  configure(modelsDir);
  const embedder = await createTransformersEmbedder(transformers, spec, { device: 'cpu' });
  return {
    spec,
    dim: embedder.dim,
    embedImages: batchedImageEmbedder(spec.input, embedder.dim, options.batch ?? 16, (tensor, n) =>
      embedder.embedImages(tensor, n),
    ),
    ...(spec.towers.text ? { embedTexts: (texts) => embedder.embedTexts(texts) } : {}),
    dispose: () => embedder.dispose(),
  };
}
