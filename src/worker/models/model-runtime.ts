/** One query model in the worker: its ONNX session plus preallocated input tensor and preprocessor. */
import { createOnnxEmbedder, type OnnxEmbedder } from '../../shared/model/onnx-embedder.ts';
import type { ModelSpec } from '../../shared/model/spec.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../shared/preprocess/to-tensor.ts';
import type { CropRect, RgbaImage } from '../../shared/preprocess/rgba-image.ts';
import { loadedOrt } from './ort-env.ts';

export class ModelRuntime {
  readonly spec: ModelSpec;
  readonly #embedder: OnnxEmbedder;
  readonly #preprocessor: ImagePreprocessor;
  /** The batch-1 input tensor, written in place by every query. */
  readonly #tensor: Float32Array;

  private constructor(spec: ModelSpec, embedder: OnnxEmbedder) {
    this.spec = spec;
    this.#embedder = embedder;
    this.#preprocessor = new ImagePreprocessor(spec.input);
    this.#tensor = createTensorBuffer(spec.input, 1);
  }

  static async create(spec: ModelSpec, modelBytes: Uint8Array): Promise<ModelRuntime> {
    const { ort, threads } = await loadedOrt();
    const embedder = await createOnnxEmbedder(ort, modelBytes, spec, { threads });
    return new ModelRuntime(spec, embedder);
  }

  /** Writes the (cropped) photo into the input tensor. */
  preprocess(image: RgbaImage, crop: CropRect | undefined): void {
    this.#preprocessor.toTensor(image, this.#tensor, 0, crop);
  }

  /** Runs the model on the tensor `preprocess` wrote: an L2-normalised embedding. */
  embed(): Promise<Float32Array> {
    return this.#embedder.embed(this.#tensor, 1);
  }

  /** Frees the session's WASM memory; the runtime is unusable afterwards. */
  dispose(): Promise<void> {
    return this.#embedder.dispose();
  }
}
