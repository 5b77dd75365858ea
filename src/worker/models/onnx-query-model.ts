/** A query model on the worker's onnxruntime-web: one ONNX session for the image tower. */
import { createOnnxEmbedder } from '../../shared/model/onnx-embedder.ts';
import type { ModelSpec } from '../../shared/model/spec.ts';
import { loadedOrt } from './ort-env.ts';
import { queryModel, type QueryModel } from './query-model.ts';

export async function openOnnxModel(spec: ModelSpec, modelBytes: Uint8Array): Promise<QueryModel> {
  const { ort, threads } = await loadedOrt();
  // Not hashed again: the catalog download checked these bytes against the same sha256
  // before storing them, and hashing 3.5 MB on every start is work done twice.
  const embedder = await createOnnxEmbedder(ort, modelBytes, spec, { threads, verify: false });
  return queryModel(spec, {
    embedImage: (tensor) => embedder.embed(tensor, 1),
    dispose: () => embedder.dispose(),
  });
}
