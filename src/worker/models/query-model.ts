/**
 * What a query model offers the search service, whichever runtime runs it (onnxruntime-web or
 * transformers.js), and the one place that turns a runtime's embedder into it.
 */
import type { EmbedBackend, GpuPreference } from '../../engine-api/api-types.ts';
import type { ModelSpec } from '../../shared/model/spec.ts';
import type { CropRect, RgbaImage } from '../../shared/preprocess/rgba-image.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../shared/preprocess/to-tensor.ts';

export interface QueryModel {
  readonly spec: ModelSpec;
  /** Writes the (cropped) photo into the model's input tensor. */
  preprocess(image: RgbaImage, crop: CropRect | undefined): void;
  /** Embeds the tensor `preprocess` wrote: an L2-normalised vector. */
  embed(): Promise<Float32Array>;
  /**
   * Only models with a text tower: the text's L2-normalised embedding. Without it the search
   * service reads words as keyword filters (DINOv2 and other image-only models).
   */
  embedText?(text: string): Promise<Float32Array>;
  /** What ran the last image embed (before any, what runs the next). */
  backend(): EmbedBackend;
  /** Tries a faster backend (WebGPU) for the image tower, once; never rejects. */
  accelerate(preference: GpuPreference): Promise<void>;
  /** Frees the sessions' WASM memory; the model is unusable afterwards. */
  dispose(): Promise<void>;
}

/** The towers a runtime opened, as plain functions of a batch-1 tensor or a text. */
export interface Towers {
  embedImage(tensor: Float32Array): Promise<Float32Array>;
  embedText?(text: string): Promise<Float32Array>;
  backend(): EmbedBackend;
  accelerate?(preference: GpuPreference): Promise<void>;
  dispose(): Promise<void>;
}

/** A query model over `towers`, with our own preprocessing into one reused input tensor. */
export function queryModel(spec: ModelSpec, towers: Towers): QueryModel {
  const preprocessor = new ImagePreprocessor(spec.input);
  /** The batch-1 input tensor, written in place by every photo query. */
  const tensor = createTensorBuffer(spec.input, 1);
  const model: QueryModel = {
    spec,
    preprocess: (image, crop) => preprocessor.toTensor(image, tensor, 0, crop),
    embed: () => towers.embedImage(tensor),
    backend: () => towers.backend(),
    accelerate: (preference) => towers.accelerate?.(preference) ?? Promise.resolve(),
    dispose: () => towers.dispose(),
  };
  const { embedText } = towers;
  if (embedText) model.embedText = (text) => embedText(text);
  return model;
}
