/**
 * The embed suite's worker: one onnxruntime-web session (the app's WASM build and settings) with
 * a fixed thread count, timing embed() on real preprocessed photos. ort's own thread workers
 * start from this same script (named em-pthread…) and must not take the benchmark's messages.
 */
import * as ort from 'onnxruntime-web/wasm';
import { createOnnxEmbedder } from '../../../src/shared/model/onnx-embedder.ts';
import type { ModelSpec } from '../../../src/shared/model/spec.ts';
import { decodeImageBlob } from '../../../src/shared/preprocess/decode-browser.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../../src/shared/preprocess/to-tensor.ts';
import type { EmbedConfig, EmbedResult } from './embed-protocol.ts';

async function run(config: EmbedConfig): Promise<EmbedResult> {
  // One session per worker: numThreads is read once, when the WASM runtime starts.
  ort.env.wasm.numThreads = config.threads;
  ort.env.wasm.wasmPaths = {
    wasm: new URL('/ort-wasm-simd-threaded.wasm', self.location.href).href,
  };
  const spec = (await (await fetch(config.specUrl)).json()) as ModelSpec;
  // A transformers.js model's image tower is an ONNX graph that transformers.js runs on this
  // same runtime: time the graph directly, as the embedder does for 'onnx' models.
  const runnable: ModelSpec = { ...spec, runtime: 'onnx' };
  const modelUrl = new URL(spec.file, new URL(config.specUrl, self.location.href));
  const modelBytes = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
  const preprocessor = new ImagePreprocessor(spec.input);
  const tensors: Float32Array[] = [];
  const preprocessMs: number[] = [];
  for (const url of config.photoUrls) {
    const image = await decodeImageBlob(await (await fetch(url)).blob());
    const tensor = createTensorBuffer(spec.input, 1);
    const t0 = performance.now();
    preprocessor.toTensor(image, tensor, 0, undefined);
    preprocessMs.push(performance.now() - t0);
    tensors.push(tensor);
  }
  const started = performance.now();
  const embedder = await createOnnxEmbedder(ort, modelBytes, runnable, { threads: config.threads });
  const sessionMs = performance.now() - started;
  for (let w = 0; w < config.warmup; w++) await embedder.embed(tensors[w % tensors.length], 1);
  const times: number[] = [];
  for (let r = 0; r < config.runs; r++) {
    const t0 = performance.now();
    await embedder.embed(tensors[r % tensors.length], 1);
    times.push(performance.now() - t0);
  }
  await embedder.dispose();
  return {
    modelId: spec.id,
    runtime: spec.runtime,
    dim: spec.output.dim,
    threads: config.threads,
    ortThreads: ort.env.wasm.numThreads ?? 0,
    crossOriginIsolated: self.crossOriginIsolated,
    sessionMs,
    times,
    preprocessMs,
  };
}

if (!(self as unknown as { name: string }).name.startsWith('em-pthread')) {
  self.onmessage = (event: MessageEvent<EmbedConfig>) => {
    run(event.data).then(
      (result) => self.postMessage({ result }),
      (error: unknown) =>
        self.postMessage({ error: error instanceof Error ? error.message : String(error) }),
    );
  };
}
