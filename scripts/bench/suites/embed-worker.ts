/**
 * The embed suite's worker: one onnxruntime-web session (the app's WASM build and settings) with
 * a fixed thread count, timing embed() on real preprocessed photos. ort's own thread workers
 * start from this same script (named em-pthread…) and must not take the benchmark's messages.
 */
import * as wasmOrt from 'onnxruntime-web/wasm';
import {
  createOnnxEmbedder,
  sessionSource,
  wasmSessionOptions,
} from '../../../src/shared/model/onnx-embedder.ts';
import type { ModelSpec } from '../../../src/shared/model/spec.ts';
import { decodeImageBlob } from '../../../src/shared/preprocess/decode-browser.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../../src/shared/preprocess/to-tensor.ts';
import type { EmbedConfig, EmbedResult } from './embed-protocol.ts';

async function run(config: EmbedConfig): Promise<EmbedResult> {
  const gpu = config.backend === 'webgpu';
  // Imported only when asked: each build's glue answers ORT's thread workers, which start from
  // this same script, so two builds evaluated at once would both take their messages.
  const gpuOrt = gpu ? await import('onnxruntime-web/webgpu') : null;
  const ort = gpuOrt ?? wasmOrt;
  // One session per worker: numThreads is read once, when the WASM runtime starts.
  ort.env.wasm.numThreads = config.threads;
  ort.env.wasm.wasmPaths = {
    wasm: new URL(
      gpu ? '/ort-wasm-simd-threaded.asyncify.wasm' : '/ort-wasm-simd-threaded.wasm',
      self.location.href,
    ).href,
  };
  const spec = (await (await fetch(config.specUrl)).json()) as ModelSpec;
  // A transformers.js model's image tower is an ONNX graph that transformers.js runs on this
  // same runtime: time the graph directly, as the embedder does for 'onnx' models.
  const runnable: ModelSpec = { ...spec, runtime: 'onnx' };
  const modelUrl = new URL(spec.file, new URL(config.specUrl, self.location.href));
  const modelBytes = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
  const preprocessor = new ImagePreprocessor(spec.input);
  const tensors: Float32Array[] = config.tensorsUrl
    ? await fetchTensors(config.tensorsUrl, spec)
    : [];
  const preprocessMs: number[] = [];
  for (const url of config.tensorsUrl ? [] : config.photoUrls) {
    const image = await decodeImageBlob(await (await fetch(url)).blob());
    const tensor = createTensorBuffer(spec.input, 1);
    const t0 = performance.now();
    preprocessor.toTensor(image, tensor, 0, undefined);
    preprocessMs.push(performance.now() - t0);
    tensors.push(tensor);
  }
  const started = performance.now();
  const embedder = await createOnnxEmbedder(ort, modelBytes, runnable, {
    threads: config.threads,
    ...(gpu ? { executionProviders: ['webgpu'] } : wasmSessionOptions(config.threads)),
  });
  const sessionMs = performance.now() - started;
  for (let w = 0; w < config.warmup; w++) await embedder.embed(tensors[w % tensors.length], 1);
  const times: number[] = [];
  for (let r = 0; r < config.runs; r++) {
    const t0 = performance.now();
    await embedder.embed(tensors[r % tensors.length], 1);
    times.push(performance.now() - t0);
  }
  const embeddings = config.embeddings
    ? await Promise.all(tensors.map(async (t) => Array.from(await embedder.embed(t, 1))))
    : undefined;
  await embedder.dispose();
  if (config.profile) await profile(modelBytes, tensors, config.runs, config.threads);
  const device = gpuOrt ? await gpuOrt.env.webgpu.device : null;
  return {
    backend: device
      ? `webgpu (${device.adapterInfo.vendor} ${device.adapterInfo.architecture})`
      : 'wasm',
    modelId: spec.id,
    runtime: spec.runtime,
    dim: spec.output.dim,
    threads: config.threads,
    ortThreads: ort.env.wasm.numThreads ?? 0,
    crossOriginIsolated: self.crossOriginIsolated,
    sessionMs,
    times,
    preprocessMs,
    embeddings,
  };
}

/** Tensors written by Node's preprocessing, so both runtimes see the very same input. */
async function fetchTensors(url: string, spec: ModelSpec): Promise<Float32Array[]> {
  const all = new Float32Array(await (await fetch(url)).arrayBuffer());
  const length = createTensorBuffer(spec.input, 1).length;
  return Array.from({ length: all.length / length }, (_, i) =>
    all.slice(i * length, (i + 1) * length),
  );
}

/** `runs` profiled runs in a session of its own; endProfiling prints the events. */
async function profile(
  modelBytes: Uint8Array,
  tensors: Float32Array[],
  runs: number,
  threads: number,
): Promise<void> {
  const [bytes, loading] = sessionSource(modelBytes, wasmSessionOptions(threads));
  const session = await wasmOrt.InferenceSession.create(bytes, {
    ...loading,
    executionMode: 'sequential',
    enableProfiling: true,
  });
  const size = Math.round(Math.sqrt(tensors[0].length / 3));
  for (let r = 0; r < runs; r++) {
    const feed = new wasmOrt.Tensor('float32', tensors[r % tensors.length], [1, 3, size, size]);
    await session.run({ [session.inputNames[0]]: feed });
  }
  session.endProfiling();
  await session.release();
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
