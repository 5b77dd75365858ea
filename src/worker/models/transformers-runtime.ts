/** One transformers.js model in the worker: image tower (our preprocessing) and any text tower. */
import type { ModelSpec } from '../../shared/model/spec.ts';
import {
  createTransformersEmbedder,
  type TransformersEmbedder,
} from '../../shared/model/transformers-embedder.ts';
import type { CropRect, RgbaImage } from '../../shared/preprocess/rgba-image.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../shared/preprocess/to-tensor.ts';
import type { QueryRuntime } from './query-runtime.ts';
import { forgetModelFiles, provideModelFiles, transformersFor } from './transformers-env.ts';

export class TransformersRuntime implements QueryRuntime {
  readonly spec: ModelSpec;
  readonly #embedder: TransformersEmbedder;
  readonly #preprocessor: ImagePreprocessor;
  /** The batch-1 input tensor, written in place by every photo query. */
  readonly #tensor: Float32Array;
  /**
   * Only on models with a text tower: the search service reads words as keyword filters when
   * a runtime has no embedText (DINOv2 and other image-only models).
   */
  readonly embedText?: (text: string) => Promise<Float32Array>;

  private constructor(spec: ModelSpec, embedder: TransformersEmbedder) {
    this.spec = spec;
    this.#embedder = embedder;
    this.#preprocessor = new ImagePreprocessor(spec.input);
    this.#tensor = createTensorBuffer(spec.input, 1);
    if (spec.towers.text) this.embedText = (text) => embedder.embedTexts([text]);
  }

  static async create(
    spec: ModelSpec,
    files: ReadonlyMap<string, Uint8Array>,
    appUrl: string,
  ): Promise<TransformersRuntime> {
    const tf = await transformersFor(appUrl);
    provideModelFiles(spec, files);
    try {
      return new TransformersRuntime(
        spec,
        await createTransformersEmbedder(tf, spec, { device: 'wasm' }),
      );
    } finally {
      forgetModelFiles(spec, files);
    }
  }

  preprocess(image: RgbaImage, crop: CropRect | undefined): void {
    this.#preprocessor.toTensor(image, this.#tensor, 0, crop);
  }

  embed(): Promise<Float32Array> {
    return this.#embedder.embedImages(this.#tensor, 1);
  }

  dispose(): Promise<void> {
    return this.#embedder.dispose();
  }
}
