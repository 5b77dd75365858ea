import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { attr, OnnxGraph } from '../lib/onnx-graph.ts';
import { seededRandom } from '../lib/seeded-random.ts';
import { calibrateRanges } from './calibrate-ranges.ts';
import { pruneGraph } from './onnx-tensors.ts';
import { calibrationTensors, findPointwiseConvs, quantisePointwise } from './qdq-pointwise.ts';

const { onnx } = onnxProto;
const C = 8;
const SIDE = 6;

/** x -> 1x1 conv (coded weights) -> ReLU6 -> 3x3 depthwise -> 1x1 conv -> + x -> y. */
function tinyModel(): Uint8Array {
  const random = seededRandom(3);
  const values = (n: number, spread: number) => Float32Array.from({ length: n }, () => (random() - 0.5) * spread);
  const graph = new OnnxGraph('tiny');
  const x = graph.input('x', 'float32', [1, C, SIDE, SIDE]);
  const codes = Uint8Array.from({ length: C * C }, () => Math.floor(random() * 256));
  const w1 = graph.channelCodedWeights('w1', [C, C, 1, 1], codes, values(C, 0.02).map(Math.abs), values(C, 1));
  const conv = (input: string, w: string, name: string, group = 1, k = 1) =>
    graph.node('Conv', [input, w, graph.initializer(`${name}_b`, [C], values(C, 1))], name, {
      group: attr.int(group),
      kernel_shape: attr.ints([k, k]),
      pads: attr.ints(k === 1 ? [0, 0, 0, 0] : [1, 1, 1, 1]),
    });
  const lo = graph.initializer('lo', [], Float32Array.of(0));
  const hi = graph.initializer('hi', [], Float32Array.of(6));
  const expand = graph.node('Clip', [conv(x, w1, 'expand'), lo, hi], 'expand_relu');
  const dw = conv(expand, graph.initializer('dw_w', [C, 1, 3, 3], values(C * 9, 1)), 'dw', C, 3);
  const project = conv(dw, graph.initializer('w2', [C, C, 1, 1], values(C * C, 1)), 'project');
  graph.output(graph.node('Add', [project, x], 'y'), 'float32', [1, C, SIDE, SIDE]);
  return graph.encode({ producer: 'test' });
}

const feeds = (seed: number, count: number) => {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => ({
    x: new ort.Tensor('float32', Float32Array.from({ length: C * SIDE * SIDE }, () => random() * 4 - 2), [1, C, SIDE, SIDE]),
  }));
};

async function run(bytes: Uint8Array, feed: Record<string, ort.Tensor>, optimise = true): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: optimise ? 'all' : 'disabled' });
  const { y } = await session.run(feed);
  await session.release();
  return y.data as Float32Array;
}

async function quantised(weights: 'int8' | 'uint8' = 'uint8'): Promise<Uint8Array> {
  const model = onnx.ModelProto.decode(tinyModel());
  const tensors = calibrationTensors(findPointwiseConvs(model.graph!));
  const ranges = await calibrateRanges(model, tensors, feeds(1, 8), 'minmax', 1);
  quantisePointwise(model.graph!, ranges, { weights });
  pruneGraph(model.graph!);
  return onnx.ModelProto.encode(model).finish();
}

describe('quantisePointwise', () => {
  it('finds the 1x1 convs, not the depthwise one, and the ReLU6 after the first', () => {
    const convs = findPointwiseConvs(onnx.ModelProto.decode(tinyModel()).graph!);
    expect(convs.map((c) => [c.input, c.conv.output![0], c.outputRange])).toEqual([
      ['x', 'expand', 'expand_relu'],
      ['dw', 'project', 'project'],
    ]);
  });

  it.each(['int8', 'uint8'] as const)('keeps the output within rounding of the float model (%s weights)', async (weights) => {
    const bytes = await quantised(weights);
    const [feed] = feeds(2, 1);
    const float = await run(tinyModel(), feed);
    const int8 = await run(bytes, feed);
    let error = 0;
    let norm = 0;
    for (let i = 0; i < float.length; i++) [error, norm] = [error + (float[i] - int8[i]) ** 2, norm + float[i] ** 2];
    expect(Math.sqrt(error / norm)).toBeLessThan(0.02);
  });

  it('stores 8-bit weights and no float copy of them, and drops the ReLU6 the Q replaces', async () => {
    const model = onnx.ModelProto.decode(await quantised());
    const ops = model.graph!.node!.map((n) => n.opType);
    expect(ops.filter((op) => op === 'QuantizeLinear')).toHaveLength(4);
    expect(ops).not.toContain('Cast');
    expect(ops).not.toContain('Clip');
    expect(model.graph!.initializer!.map((t) => t.name)).not.toContain('w2');
  });

  it('lets onnxruntime fuse the pointwise convs into QLinearConv and leaves the depthwise float', async () => {
    const optimised = join(mkdtempSync(join(tmpdir(), 'qdq-')), 'optimised.onnx');
    await ort.InferenceSession.create(await quantised(), {
      graphOptimizationLevel: 'extended',
      optimizedModelFilePath: optimised,
    });
    const ops = onnx.ModelProto.decode(readFileSync(optimised)).graph!.node!.map((n) => n.opType);
    expect(ops.filter((op) => op === 'QLinearConv')).toHaveLength(2);
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(1);
  });
});
