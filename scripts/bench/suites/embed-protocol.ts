/** Messages between the embed suite (Node), its page and the worker that runs one model. */

export interface EmbedConfig {
  /** URL of the model's model.json; the .onnx is spec.file beside it. */
  specUrl: string;
  /** Photos (URLs) preprocessed into the query tensors, used in turn. */
  photoUrls: string[];
  threads: number;
  warmup: number;
  runs: number;
  /** Preprocessed tensors (float32, one image after another) to use instead of the photos. */
  tensorsUrl?: string;
  /** Return each photo's (or tensor's) embedding too. */
  embeddings?: boolean;
  /** Run once more with ORT's profiler, which prints its JSON events on the worker's console. */
  profile?: boolean;
  /** 'webgpu': ORT's WebGPU build on the browser's first adapter (default: the WASM build). */
  backend?: 'wasm' | 'webgpu';
}

export interface EmbedResult {
  modelId: string;
  runtime: string;
  dim: number;
  threads: number;
  /** ort.env.wasm.numThreads as onnxruntime-web kept it. */
  ortThreads: number;
  /** 'wasm', or 'webgpu (vendor architecture)' with the adapter that ran it. */
  backend: string;
  crossOriginIsolated: boolean;
  /** Session creation (model bytes to ready session), ms. */
  sessionMs: number;
  /** Per-run wall time of embed() after the warm-up, ms. */
  times: number[];
  /** Preprocessing (decoded photo → tensor) per photo, ms: the query path's other worker stage. */
  preprocessMs: number[];
  /** With config.embeddings: one embedding per photo or tensor, in order. */
  embeddings?: number[][];
}

/** What the page puts on globalThis. */
export interface EmbedBenchPage {
  run(config: EmbedConfig): Promise<EmbedResult>;
  /** The browser's WebGPU adapter ('vendor architecture, software'), or null without one. */
  gpuAdapter(): Promise<string | null>;
}
