/** What a query model offers the search service, whichever runtime it is on; opens the right one. */
import type { ModelSpec } from '../../shared/model/spec.ts';
import type { CropRect, RgbaImage } from '../../shared/preprocess/rgba-image.ts';
import { ModelRuntime } from './model-runtime.ts';

export interface QueryRuntime {
  readonly spec: ModelSpec;
  /** Writes the (cropped) photo into the model's input tensor. */
  preprocess(image: RgbaImage, crop: CropRect | undefined): void;
  /** Embeds the tensor `preprocess` wrote: an L2-normalised vector. */
  embed(): Promise<Float32Array>;
  /** Models with a text tower: the text's L2-normalised embedding. */
  embedText?(text: string): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/**
 * Opens a model from its files (paths in its folder → bytes). transformers.js is loaded only
 * when a catalog has such a model, so ONNX-only catalogs never download it.
 */
export async function openRuntime(
  spec: ModelSpec,
  files: ReadonlyMap<string, Uint8Array>,
  appUrl: string,
): Promise<QueryRuntime> {
  if (spec.runtime === 'transformers') {
    const { TransformersRuntime } = await import('./transformers-runtime.ts');
    return TransformersRuntime.create(spec, files, appUrl);
  }
  const bytes = files.get(spec.file);
  if (!bytes) throw new Error(`${spec.id}: ${spec.file} was not loaded`);
  return ModelRuntime.create(spec, bytes);
}
