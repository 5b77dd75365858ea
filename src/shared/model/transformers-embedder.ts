/**
 * A CLIP, SigLIP or DINOv2 model through transformers.js: the image tower (fed by our own
 * preprocessing, so Node and the browser crop and normalise alike) and, where the family has
 * one, the text tower (tokenizer + model). The transformers.js module is passed in, configured
 * by the caller (Node or worker).
 */
import type * as Transformers from '@huggingface/transformers';
import type { ModelSpec } from './spec.ts';
import { FAMILY_TOWERS, familyOf } from './transformers-towers.ts';

/** What the embedder needs of the transformers.js package (both builds export these). */
export type TransformersModule = Pick<
  typeof Transformers,
  | 'AutoTokenizer'
  | 'CLIPTextModelWithProjection'
  | 'CLIPVisionModelWithProjection'
  | 'SiglipTextModel'
  | 'SiglipVisionModel'
  | 'Dinov2Model'
  | 'Tensor'
>;

export interface TransformersEmbedder {
  readonly spec: ModelSpec;
  readonly dim: number;
  /** Floats per image in an input tensor (3 × size × size, NCHW). */
  readonly imageLength: number;
  /** Embeds the first `batch` images of `tensor`: batch × dim floats, rows L2-normalised. */
  embedImages(tensor: Float32Array, batch: number): Promise<Float32Array>;
  /** Embeds texts: texts.length × dim floats, rows L2-normalised. */
  embedTexts(texts: readonly string[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export class TransformersModelError extends Error {
  override readonly name = 'TransformersModelError';
}

export function l2NormalizeRows(values: Float32Array, dim: number): Float32Array {
  for (let row = 0; row < values.length; row += dim) {
    let sum = 0;
    for (let i = row; i < row + dim; i++) sum += values[i] * values[i];
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let i = row; i < row + dim; i++) values[i] *= inv;
  }
  return values;
}

/** Output rows of a tower as plain floats, checked against the spec's dimension. */
function rows(
  tensor: Transformers.Tensor | undefined,
  count: number,
  spec: ModelSpec,
  name: string,
) {
  if (!tensor) throw new TransformersModelError(`${spec.id}: the model has no output ${name}`);
  const { data, dims } = tensor;
  if (!(data instanceof Float32Array) || data.length !== count * spec.output.dim) {
    throw new TransformersModelError(
      `${spec.id}: ${name} has dims [${dims.join(', ')}], expected [${count}, ${spec.output.dim}]`,
    );
  }
  return l2NormalizeRows(Float32Array.from(data), spec.output.dim);
}

/**
 * Loads the towers `spec.towers` names from `modelPath` (an id under transformers'
 * `env.localModelPath`). `device`: 'cpu' in Node, 'wasm' in the worker.
 */
export async function createTransformersEmbedder(
  tf: TransformersModule,
  spec: ModelSpec,
  options: { device: 'cpu' | 'wasm'; modelPath?: string },
): Promise<TransformersEmbedder> {
  if (spec.runtime !== 'transformers') {
    throw new TransformersModelError(`${spec.id} runs on ${spec.runtime}, not transformers.js`);
  }
  const family = familyOf(spec);
  const towers = FAMILY_TOWERS[family];
  if (spec.towers.text && !towers.text) {
    throw new TransformersModelError(`${spec.id}: ${family} models have no text tower`);
  }
  const path = options.modelPath ?? spec.id;
  const load = { dtype: 'fp32', device: options.device } as const;
  const [vision, text, tokenizer] = await Promise.all([
    spec.towers.image ? tf[towers.vision.className].from_pretrained(path, load) : null,
    spec.towers.text && towers.text ? tf[towers.text.className].from_pretrained(path, load) : null,
    spec.towers.text ? tf.AutoTokenizer.from_pretrained(path) : null,
  ]);
  const { size } = spec.input;
  const imageLength = 3 * size * size;
  // Calls run one at a time: a session must not run twice at once.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    spec,
    dim: spec.output.dim,
    imageLength,
    embedImages(tensor, batch) {
      if (!vision)
        return Promise.reject(new TransformersModelError(`${spec.id} has no image tower`));
      if (!(Number.isInteger(batch) && batch >= 1) || tensor.length < batch * imageLength) {
        return Promise.reject(
          new TransformersModelError(`a batch of ${batch} needs ${batch * imageLength} floats`),
        );
      }
      return serial(async () => {
        const pixels = new tf.Tensor('float32', tensor.subarray(0, batch * imageLength), [
          batch,
          3,
          size,
          size,
        ]);
        const out = (await vision({ pixel_values: pixels })) as Record<string, Transformers.Tensor>;
        return rows(out[towers.vision.output], batch, spec, towers.vision.output);
      });
    },
    embedTexts(texts) {
      if (!text || !tokenizer || !towers.text) {
        return Promise.reject(new TransformersModelError(`${spec.id} has no text tower`));
      }
      const { padding, output } = towers.text;
      return serial(async () => {
        const inputs = tokenizer([...texts], { padding, truncation: true });
        const out = (await text(inputs)) as Record<string, Transformers.Tensor>;
        return rows(out[output], texts.length, spec, output);
      });
    },
    async dispose() {
      await queue;
      await Promise.all([vision?.dispose(), text?.dispose()]);
    },
  };
}
