/**
 * A query model on the worker's onnxruntime-web: the image tower's ONNX session on WASM, and on
 * WebGPU once that has proved itself on this device (embed-backends.ts).
 */
import { createOnnxEmbedder, wasmSessionOptions } from '../../shared/model/onnx-embedder.ts';
import { decodeCodedWeights } from '../../shared/model/decoded-weights.ts';
import type { ModelSpec } from '../../shared/model/spec.ts';
import { timedSync } from '../catalog/startup-timing.ts';
import { EmbedBackends } from './embed-backends.ts';
import { loadedOrt } from './ort-env.ts';
import { openWebGpuTower } from './webgpu-tower.ts';
import { queryModel, type QueryModel } from './query-model.ts';

export async function openOnnxModel(spec: ModelSpec, modelBytes: Uint8Array): Promise<QueryModel> {
  // Decoded before the runtime is awaited: it needs none of it, and may run while it compiles.
  const decoded = timedSync('decode weights', () => decodeCodedWeights(modelBytes));
  const { ort, threads } = await loadedOrt();
  // Not hashed again: the catalog download checked these bytes against the same sha256
  // before storing them, and hashing 3.5 MB on every start is work done twice.
  const embedder = await createOnnxEmbedder(ort, modelBytes, spec, {
    threads,
    verify: false,
    ...wasmSessionOptions(threads),
    decoded,
  });
  // The GPU session is made from the same bytes after "ready"; kept for that one attempt only.
  let bytes: Uint8Array | null = modelBytes;
  const backends = new EmbedBackends(spec, embedder, threads, (preference) => {
    const kept = bytes!;
    bytes = null;
    return openWebGpuTower(spec, kept, preference);
  });
  return queryModel(spec, {
    embedImage: (tensor) => backends.embed(tensor),
    backend: () => backends.ran,
    accelerate: (preference) => backends.accelerate(preference),
    dispose: () => backends.dispose(),
  });
}
