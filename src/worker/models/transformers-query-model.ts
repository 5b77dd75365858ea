/** A query model on transformers.js (same onnxruntime-web): image tower and any text tower. */
import type { ModelSpec } from '../../shared/model/spec.ts';
import { createTransformersEmbedder } from '../../shared/model/transformers-embedder.ts';
import { configuredOrt } from './ort-env.ts';
import { queryModel, type QueryModel } from './query-model.ts';
import { forgetModelFiles, provideModelFiles, transformersFor } from './transformers-env.ts';

export async function openTransformersModel(
  spec: ModelSpec,
  files: ReadonlyMap<string, Uint8Array>,
  appUrl: string,
): Promise<QueryModel> {
  const tf = await transformersFor(appUrl);
  provideModelFiles(spec, files);
  try {
    const embedder = await createTransformersEmbedder(tf, spec, { device: 'wasm' });
    return queryModel(spec, {
      embedImage: (tensor) => embedder.embedImages(tensor, 1),
      embedText: spec.towers.text ? (text) => embedder.embedTexts([text]) : undefined,
      // transformers.js runs on the app's WASM runtime (scripts/vite/transformers-ort.ts).
      backend: () => ({
        kind: 'wasm',
        threads: configuredOrt().threads,
        whyNotGpu: 'WebGPU runs the ONNX models only',
      }),
      dispose: () => embedder.dispose(),
    });
  } finally {
    forgetModelFiles(spec, files);
  }
}
