/** What every Node model runtime (onnxruntime-node, transformers.js) offers its callers. */
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import type { RgbaImage } from '../../src/shared/preprocess/rgba-image.ts';

export interface NodeModel {
  spec: ModelSpec;
  dim: number;
  /** Embeds images (upright RGBA) in batches; returns count x dim L2-normalised floats. */
  embedImages(images: RgbaImage[]): Promise<Float32Array>;
  /** Models with a text tower only: count x dim L2-normalised floats, one row per text. */
  embedTexts?(texts: readonly string[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}
