/**
 * An ONNX image tower on the better of two backends. WASM opens first and searches from "ready"
 * on; WebGPU is tried afterwards and takes over only once it has shown, on this device, that its
 * vectors agree with WASM's and (unless forced) that it is faster. Any GPU failure, a run that
 * throws or a device lost mid-session, hands the search back to WASM, which stays open for that:
 * the shopper sees results, never a GPU error.
 */
import type { EmbedBackend, GpuPreference } from '../../engine-api/api-types.ts';
import type { OnnxEmbedder } from '../../shared/model/onnx-embedder.ts';
import type { ModelSpec } from '../../shared/model/spec.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../shared/preprocess/to-tensor.ts';

/** The least cosine between the GPU's and WASM's vector of one image for the GPU to be used. */
export const GPU_AGREEMENT = 0.999;

/** Timed runs per backend when choosing the faster (their minimum counts). */
const TIMED_RUNS = 3;

/** The model opened on a GPU. */
export interface GpuTower {
  embedder: OnnxEmbedder;
  /** The adapter's name, as the latency panel shows it. */
  adapter: string;
  /** Settles with the reason once the device is lost; never rejects. */
  lost: Promise<string>;
}

/** Opens the model on the GPU `preference` allows, or says why there is none. */
export type OpenGpu = (preference: GpuPreference) => Promise<GpuTower | string>;

class GpuLostError extends Error {}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A smooth, colourful test image as the model's input (any photo-like input would do). */
function probeTensor(spec: ModelSpec): Float32Array {
  const side = 96;
  const data = new Uint8ClampedArray(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const at = (y * side + x) * 4;
      data[at] = 128 + 100 * Math.sin(x / 9);
      data[at + 1] = 128 + 100 * Math.cos(y / 13);
      data[at + 2] = 128 + 90 * Math.sin((x + y) / 17);
      data[at + 3] = 255;
    }
  }
  const tensor = createTensorBuffer(spec.input, 1);
  new ImagePreprocessor(spec.input).toTensor({ data, width: side, height: side }, tensor, 0);
  return tensor;
}

/** The fastest of `runs` embeds of `tensor`, in ms, and the last vector. */
async function timedEmbed(embedder: OnnxEmbedder, tensor: Float32Array, runs: number) {
  let best = Infinity;
  let vector: Float32Array = new Float32Array(0);
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    vector = await embedder.embed(tensor, 1);
    best = Math.min(best, performance.now() - start);
  }
  return { ms: best, vector };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot; // both unit vectors
}

export class EmbedBackends {
  readonly #spec: ModelSpec;
  readonly #wasm: OnnxEmbedder;
  readonly #threads: number;
  readonly #openGpu: OpenGpu;
  #gpu: GpuTower | null = null;
  #ran: EmbedBackend | undefined;
  #whyNotGpu = 'WebGPU has not been tried';
  #accelerating: Promise<void> | undefined;
  #disposed = false;

  constructor(spec: ModelSpec, wasm: OnnxEmbedder, threads: number, openGpu: OpenGpu) {
    this.#spec = spec;
    this.#wasm = wasm;
    this.#threads = threads;
    this.#openGpu = openGpu;
  }

  /** What ran the last embed (before any, what runs the next). */
  get ran(): EmbedBackend {
    return this.#ran ?? this.#next();
  }

  #next(): EmbedBackend {
    return this.#gpu
      ? { kind: 'webgpu', adapter: this.#gpu.adapter }
      : { kind: 'wasm', threads: this.#threads, whyNotGpu: this.#whyNotGpu };
  }

  /** Embeds a batch-1 tensor on the current backend; a GPU failure reruns it on WASM. */
  async embed(tensor: Float32Array): Promise<Float32Array> {
    const gpu = this.#gpu;
    if (gpu) {
      try {
        const lost = gpu.lost.then((why) => Promise.reject(new GpuLostError(why)));
        const vector = await Promise.race([gpu.embedder.embed(tensor, 1), lost]);
        this.#ran = { kind: 'webgpu', adapter: gpu.adapter };
        return vector;
      } catch (error) {
        const why = error instanceof GpuLostError ? error.message : `a GPU run failed: ${message(error)}`;
        this.#demote(gpu, why);
      }
    }
    const vector = await this.#wasm.embed(tensor, 1);
    this.#ran = { kind: 'wasm', threads: this.#threads, whyNotGpu: this.#whyNotGpu };
    return vector;
  }

  /** Tries WebGPU once (later calls share the attempt); never rejects. */
  accelerate(preference: GpuPreference): Promise<void> {
    if (!this.#accelerating) this.#whyNotGpu = 'WebGPU is starting';
    this.#accelerating ??= this.#tryGpu(preference).catch((error: unknown) => {
      this.#whyNotGpu = `WebGPU could not start: ${message(error)}`;
    });
    return this.#accelerating;
  }

  async #tryGpu(preference: GpuPreference): Promise<void> {
    const gpu = await this.#openGpu(preference);
    if (typeof gpu === 'string') {
      this.#whyNotGpu = gpu;
      return;
    }
    const verdict = await this.#judge(gpu, preference);
    if (verdict || this.#disposed) {
      this.#whyNotGpu = verdict ?? 'the model was closed';
      void gpu.embedder.dispose().catch(() => undefined);
      return;
    }
    this.#gpu = gpu;
    void gpu.lost.then((why) => this.#demote(gpu, why));
  }

  /** Null when the GPU may take over; otherwise why not. */
  async #judge(gpu: GpuTower, preference: GpuPreference): Promise<string | null> {
    // Forced (a software adapter in tests takes seconds a run): agreement only, one run.
    const runs = preference === 'force' ? 1 : TIMED_RUNS;
    const probe = probeTensor(this.#spec);
    // The first GPU run compiles its shaders: not timed.
    await gpu.embedder.embed(probe, 1);
    const onGpu = await timedEmbed(gpu.embedder, probe, runs);
    const onWasm = await timedEmbed(this.#wasm, probe, runs);
    const agreement = cosine(onGpu.vector, onWasm.vector);
    if (!(agreement >= GPU_AGREEMENT)) {
      return `WebGPU on ${gpu.adapter} disagrees with WASM (cosine ${agreement.toFixed(4)})`;
    }
    if (preference !== 'force' && onGpu.ms >= onWasm.ms) {
      return `WebGPU on ${gpu.adapter} is slower than WASM here (${onGpu.ms.toFixed(0)} vs ${onWasm.ms.toFixed(0)} ms)`;
    }
    return null;
  }

  #demote(gpu: GpuTower, why: string): void {
    if (this.#gpu !== gpu) return;
    this.#gpu = null;
    this.#whyNotGpu = why;
    console.warn(`Search runs on WASM from now on: ${why}`);
    void gpu.embedder.dispose().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    const gpu = this.#gpu;
    this.#gpu = null;
    await Promise.all([this.#wasm.dispose(), gpu?.embedder.dispose().catch(() => undefined)]);
  }
}
