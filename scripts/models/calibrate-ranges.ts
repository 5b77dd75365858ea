/**
 * Activation ranges for a QDQ pass: runs a float model on onnxruntime-node with the named
 * intermediate tensors as extra outputs, and keeps each tensor's min and max over every run.
 */
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { addToHistogram, chooseRange, emptyHistogram } from './choose-range.ts';
import type { Range } from './qdq-pointwise.ts';

const { onnx } = onnxProto;

/** `model` with `tensors` added as float outputs (shape left to the runtime). */
function withOutputs(model: Onnx.IModelProto, tensors: string[]): Uint8Array {
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
  const extra = tensors.map((name) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }),
  );
  copy.graph!.output = [...(copy.graph!.output ?? []), ...extra];
  return onnx.ModelProto.encode(copy).finish();
}

export type RangeMethod = 'minmax' | 'mse';

/**
 * The range of each of `tensors` over `inputs` (one feed per run, e.g. one photo each): their
 * min and max, or ('mse') the least-error range of chooseRange from a second pass's histograms.
 * Runs go in the order given and the statistics do not depend on timing: deterministic.
 */
export async function calibrateRanges(
  model: Onnx.IModelProto,
  tensors: string[],
  inputs: Record<string, ort.Tensor>[],
  method: RangeMethod = 'mse',
  threads = 2,
): Promise<Map<string, Range>> {
  const session = await ort.InferenceSession.create(withOutputs(model, tensors), {
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'basic',
  });
  try {
    const each = async (visit: (tensor: string, data: Float32Array) => void) => {
      for (const feeds of inputs) {
        const out = await session.run(feeds, tensors);
        for (const t of tensors) visit(t, out[t].data as Float32Array);
      }
    };
    const ranges = new Map<string, Range>(tensors.map((t) => [t, { min: Infinity, max: -Infinity }]));
    await each((t, data) => {
      const range = ranges.get(t)!;
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        if (v < range.min) range.min = v;
        if (v > range.max) range.max = v;
      }
    });
    if (method === 'minmax') return ranges;
    const histograms = new Map(tensors.map((t) => [t, emptyHistogram(ranges.get(t)!)]));
    await each((t, data) => addToHistogram(histograms.get(t)!, data));
    return new Map(tensors.map((t) => [t, chooseRange(histograms.get(t)!)]));
  } finally {
    await session.release();
  }
}
