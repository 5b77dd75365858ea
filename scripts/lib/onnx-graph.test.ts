import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr, OnnxGraph } from './onnx-graph.ts';

describe('OnnxGraph', () => {
  it('builds a model onnxruntime runs: per-channel dequantised 1x1 conv, clip, pooling', async () => {
    const graph = new OnnxGraph('tiny');
    const x = graph.input('x', 'float32', ['batch', 2, 2, 2]);
    // Two output channels: codes * scale, channel 0 = [1, 2], channel 1 = [-1, 0.5].
    const w = graph.dequantised(
      'w',
      [2, 2, 1, 1],
      new Int8Array([10, 20, -4, 2]),
      new Float32Array([0.1, 0.25]),
      new Int8Array(2),
    );
    const b = graph.initializer('b', [2], new Float32Array([0, 1]));
    const conv = graph.node('Conv', [x, w, b], 'conv', { kernel_shape: attr.ints([1, 1]) });
    const lo = graph.initializer('lo', [], new Float32Array([0]));
    const hi = graph.initializer('hi', [], new Float32Array([6]));
    const clipped = graph.node('Clip', [conv, lo, hi], 'clipped');
    const pooled = graph.node('GlobalAveragePool', [clipped], 'pooled');
    const flat = graph.node('Flatten', [pooled], 'y', { axis: attr.int(1) });
    graph.output(flat, 'float32', ['batch', 2]);

    const session = await ort.InferenceSession.create(graph.encode({ producer: 'test' }));
    // Channel 0 of x is all 1, channel 1 all 3.
    const input = new Float32Array([1, 1, 1, 1, 3, 3, 3, 3]);
    const { y } = await session.run({ x: new ort.Tensor('float32', input, [1, 2, 2, 2]) });
    // ch0: 1*1 + 2*3 = 7 -> clipped to 6; ch1: -1*1 + 0.5*3 + 1 = 1.5.
    expect(Array.from(y.data as Float32Array)).toEqual([6, 1.5]);
    expect(y.dims).toEqual([1, 2]);
  });

  it('decodes channel-coded uint8 weights as codes * scale + offset per channel', async () => {
    const graph = new OnnxGraph('coded');
    const x = graph.input('x', 'float32', [1, 2, 1, 1]);
    const w = graph.channelCodedWeights(
      'w',
      [2, 2, 1, 1],
      new Uint8Array([0, 10, 200, 255]),
      new Float32Array([0.5, 0.01]),
      new Float32Array([-1, 2]),
    );
    const y = graph.node('Conv', [x, w], 'y', { kernel_shape: attr.ints([1, 1]) });
    graph.output(y, 'float32', [1, 2, 1, 1]);
    const session = await ort.InferenceSession.create(graph.encode({ producer: 'test' }));
    const input = new ort.Tensor('float32', new Float32Array([1, 2]), [1, 2, 1, 1]);
    const out = (await session.run({ x: input })).y.data as Float32Array;
    // Channel 0 weights: [-1, 4] -> -1 + 8 = 7. Channel 1: [4, 4.55] -> 4 + 9.1 = 13.1.
    expect(out[0]).toBeCloseTo(7, 5);
    expect(out[1]).toBeCloseTo(13.1, 5);
  });

  it('decodes channel-coded weights per column along axis 1 (a MatMul weight)', async () => {
    const graph = new OnnxGraph('columns');
    const x = graph.input('x', 'float32', [1, 2]);
    // Rows [q00 q01; q10 q11]; column 0 is 0.5 * q - 1, column 1 is 0.01 * q + 2.
    const w = graph.channelCodedWeights(
      'w',
      [2, 2],
      new Uint8Array([0, 10, 200, 255]),
      new Float32Array([0.5, 0.01]),
      new Float32Array([-1, 2]),
      1,
    );
    const y = graph.node('MatMul', [x, w], 'y');
    graph.output(y, 'float32', [1, 2]);
    const session = await ort.InferenceSession.create(graph.encode({ producer: 'test' }));
    const input = new ort.Tensor('float32', new Float32Array([1, 2]), [1, 2]);
    const out = (await session.run({ x: input })).y.data as Float32Array;
    // Column 0: [-1, 99] -> -1 + 198 = 197. Column 1: [2.1, 4.55] -> 2.1 + 9.1 = 11.2.
    expect(out[0]).toBeCloseTo(197, 4);
    expect(out[1]).toBeCloseTo(11.2, 4);
  });

  it('refuses nodes reading tensors nobody made, and duplicate inputs', () => {
    const graph = new OnnxGraph('bad');
    graph.input('x', 'float32', [1]);
    expect(() => graph.node('Relu', ['missing'], 'y')).toThrow(/missing/);
    expect(() => graph.input('x', 'float32', [1])).toThrow(/twice/);
    expect(() => graph.initializer('c', [2], new Float32Array(3))).toThrow(/dims/);
  });
});
