/** Runs images through a model in fixed-size batches, reusing one input tensor. */
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import type { RgbaImage } from '../../src/shared/preprocess/rgba-image.ts';
import { ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';

/** `run(tensor, n)` embeds the first n images of the tensor into n x dim floats. */
export function batchedImageEmbedder(
  input: ModelSpec['input'],
  dim: number,
  batch: number,
  run: (tensor: Float32Array, count: number) => Promise<Float32Array>,
): (images: RgbaImage[]) => Promise<Float32Array> {
  const preprocessor = new ImagePreprocessor(input);
  const tensor = new Float32Array(batch * preprocessor.imageLength);
  return async (images) => {
    const out = new Float32Array(images.length * dim);
    for (let start = 0; start < images.length; start += batch) {
      const chunk = images.slice(start, start + batch);
      chunk.forEach((image, i) => preprocessor.toTensor(image, tensor, i));
      out.set(await run(tensor, chunk.length), start * dim);
    }
    return out;
  };
}
