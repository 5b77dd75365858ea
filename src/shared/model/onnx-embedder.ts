/**
 * An image embedder around one onnxruntime InferenceSession. The runtime (onnxruntime-node or
 * onnxruntime-web) is passed in, so this file imports neither and runs in Node and workers alike.
 */
import type * as Ort from 'onnxruntime-common';
import { DECODED_WEIGHTS_PATH, decodeCodedWeights, type DecodedModel } from './decoded-weights.ts';
import type { ModelSpec } from './spec.ts';

/** What the embedder needs of an onnxruntime package (both runtimes export these). */
export type OrtRuntime = Pick<typeof Ort, 'InferenceSession' | 'Tensor'>;

export interface OnnxEmbedderOptions {
  /**
   * Intra-op threads (onnxruntime-node). onnxruntime-web takes its thread count from
   * `ort.env.wasm.numThreads`, which the caller sets before the first session.
   */
  threads?: number;
  /** Execution providers, default ['cpu'] in Node and ['wasm'] in browsers (runtime default). */
  executionProviders?: Ort.InferenceSession.SessionOptions['executionProviders'];
  /** Check the model bytes against spec.sha256 first (default true). */
  verify?: boolean;
  /** onnxruntime's graph optimisation level (default 'all'; see wasmSessionOptions). */
  graphOptimization?: GraphOptimization;
  /**
   * Decode the model's uint8-coded weights before the session opens and hand them over as
   * external data (decoded-weights.ts). onnxruntime-web only: Node's binding takes no external
   * data from memory.
   */
  decodeWeights?: boolean;
  /** The same, done ahead by the caller: `decodeCodedWeights(modelBytes)`. */
  decoded?: DecodedModel;
}

export type GraphOptimization = NonNullable<
  Ort.InferenceSession.SessionOptions['graphOptimizationLevel']
>;

/**
 * How onnxruntime-web's WASM backend opens a model with `threads` threads.
 * - The weights are decoded ahead (decodeWeights), so the session opens without folding them.
 * - With one thread, no graph optimisation: it buys nothing at run time there (the same embed
 *   time at every level), and skipping it opens the session faster.
 * - With more, 'all': unfused, the default model runs about 35 more small operators per embed
 *   (the ReLU6 clips), each a parallel section of its own (docs/startup.md, fifth session).
 */
export function wasmSessionOptions(
  threads: number,
): Pick<OnnxEmbedderOptions, 'graphOptimization' | 'decodeWeights'> {
  return { graphOptimization: threads > 1 ? 'all' : 'disabled', decodeWeights: true };
}

export interface OnnxEmbedder {
  readonly spec: ModelSpec;
  readonly dim: number;
  /** Floats per image in an input tensor. */
  readonly imageLength: number;
  /**
   * Embeds the first `batch` images of `tensor` (laid out as spec.input says); returns
   * batch x dim floats, each row L2-normalised. Calls run one at a time, in order.
   */
  embed(tensor: Float32Array, batch: number): Promise<Float32Array>;
  /** Releases the session; later embed calls fail. */
  dispose(): Promise<void>;
}

/** The model bytes do not match their spec, or the session does not have the spec's I/O. */
export class ModelMismatchError extends Error {
  override readonly name = 'ModelMismatchError';
}

/** embed() was called with a tensor or batch size that does not fit the model. */
export class EmbedInputError extends Error {
  override readonly name = 'EmbedInputError';
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function l2NormalizeRows(values: Float32Array, dim: number): void {
  for (let row = 0; row < values.length; row += dim) {
    let sum = 0;
    for (let i = row; i < row + dim; i++) sum += values[i] * values[i];
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let i = row; i < row + dim; i++) values[i] *= inv;
  }
}

/** The bytes onnxruntime opens, and how: the model as given, or its weights decoded ahead. */
export function sessionSource(
  modelBytes: Uint8Array,
  options: Pick<OnnxEmbedderOptions, 'graphOptimization' | 'decodeWeights' | 'decoded'>,
): [Uint8Array, Ort.InferenceSession.SessionOptions] {
  const graphOptimizationLevel = options.graphOptimization ?? 'all';
  if (!options.decodeWeights && !options.decoded) return [modelBytes, { graphOptimizationLevel }];
  const { model, weights, decoded } = options.decoded ?? decodeCodedWeights(modelBytes);
  if (decoded === 0) return [model, { graphOptimizationLevel }];
  const externalData = [{ path: DECODED_WEIGHTS_PATH, data: weights }];
  return [model, { graphOptimizationLevel, externalData }];
}

/** The checked session: the bytes are the spec's model, and it has the spec's input and output. */
async function openSession(
  ort: OrtRuntime,
  modelBytes: Uint8Array,
  spec: ModelSpec,
  options: OnnxEmbedderOptions,
): Promise<Ort.InferenceSession> {
  if (spec.runtime !== 'onnx') {
    throw new ModelMismatchError(`${spec.id} runs on ${spec.runtime}, not onnxruntime`);
  }
  if (options.verify ?? true) {
    const actual = await sha256Hex(modelBytes);
    if (actual !== spec.sha256) {
      throw new ModelMismatchError(
        `${spec.id}: model bytes have sha256 ${actual}, the spec says ${spec.sha256}`,
      );
    }
  }
  const [bytes, loading] = sessionSource(modelBytes, options);
  const session = await ort.InferenceSession.create(bytes, {
    ...loading,
    ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    ...(options.executionProviders ? { executionProviders: options.executionProviders } : {}),
  });
  const { input, output } = spec;
  if (!session.inputNames.includes(input.name) || !session.outputNames.includes(output.name)) {
    await session.release();
    throw new ModelMismatchError(
      `${spec.id}: the model has inputs [${session.inputNames.join(', ')}] and outputs ` +
        `[${session.outputNames.join(', ')}], the spec says ${input.name} -> ${output.name}`,
    );
  }
  return session;
}

/** Creates the session for `modelBytes` (an ONNX file described by `spec`). */
export async function createOnnxEmbedder(
  ort: OrtRuntime,
  modelBytes: Uint8Array,
  spec: ModelSpec,
  options: OnnxEmbedderOptions = {},
): Promise<OnnxEmbedder> {
  const session = await openSession(ort, modelBytes, spec, options);
  const { input, output } = spec;
  const imageLength = 3 * input.size * input.size;
  const dims = (batch: number) =>
    input.layout === 'NCHW'
      ? [batch, 3, input.size, input.size]
      : [batch, input.size, input.size, 3];
  let queue: Promise<unknown> = Promise.resolve();
  let released = false;

  const run = async (tensor: Float32Array, batch: number): Promise<Float32Array> => {
    if (released) throw new EmbedInputError(`${spec.id}: the embedder was disposed`);
    const feeds = {
      [input.name]: new ort.Tensor('float32', tensor.subarray(0, batch * imageLength), dims(batch)),
    };
    const results = await session.run(feeds, [output.name]);
    const result = results[output.name] as Ort.Tensor;
    const values = result.data;
    if (!(values instanceof Float32Array) || values.length !== batch * output.dim) {
      throw new ModelMismatchError(
        `${spec.id}: output ${output.name} has dims [${result.dims.join(', ')}], expected [${batch}, ${output.dim}]`,
      );
    }
    if (!output.normalized) l2NormalizeRows(values, output.dim);
    return values;
  };

  return {
    spec,
    dim: output.dim,
    imageLength,
    embed(tensor, batch) {
      if (!(Number.isInteger(batch) && batch >= 1)) {
        return Promise.reject(
          new EmbedInputError(`batch must be a positive integer, got ${batch}`),
        );
      }
      if (tensor.length < batch * imageLength) {
        return Promise.reject(
          new EmbedInputError(
            `a batch of ${batch} needs ${batch * imageLength} floats, the tensor has ${tensor.length}`,
          ),
        );
      }
      const next = queue.then(() => run(tensor, batch));
      queue = next.catch(() => undefined);
      return next;
    },
    async dispose() {
      released = true;
      await queue;
      await session.release();
    },
  };
}
