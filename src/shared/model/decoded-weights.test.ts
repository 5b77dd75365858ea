import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ortWeb from 'onnxruntime-web/wasm';
import { describe, expect, it } from 'vitest';
import { decodeImageNode } from '../../../scripts/lib/decode-node.ts';
import { OnnxGraph } from '../../../scripts/lib/onnx-graph.ts';
import { createTensorBuffer, ImagePreprocessor } from '../preprocess/to-tensor.ts';
import { DECODED_WEIGHTS_PATH, decodeCodedWeights } from './decoded-weights.ts';
import type { ModelSpec } from './spec.ts';

const root = resolve(import.meta.dirname, '../../..');
const images = resolve(root, '../shared/datasets/clothing/images');
ortWeb.env.wasm.numThreads = 1;
ortWeb.env.wasm.wasmPaths = `${new URL('node_modules/onnxruntime-web/dist/', `file://${root}/`)}`;

async function run(
  model: Uint8Array,
  feeds: Record<string, ortWeb.Tensor>,
  weights?: Uint8Array,
): Promise<Float32Array> {
  const session = await ortWeb.InferenceSession.create(model, {
    graphOptimizationLevel: 'disabled',
    ...(weights ? { externalData: [{ path: DECODED_WEIGHTS_PATH, data: weights }] } : {}),
  });
  const out = await session.run(feeds);
  await session.release();
  return out[session.outputNames[0]].data as Float32Array;
}

describe('decodeCodedWeights', () => {
  it('decodes per-channel and per-tensor codes exactly as the graph would, and keeps the rest', async () => {
    const g = new OnnxGraph('coded');
    const x = g.input('x', 'float32', [1, 3]);
    // a [3, 2] weight, coded per output column (axis 1), and a per-tensor coded bias
    const codes = Uint8Array.from([0, 255, 17, 128, 200, 3]);
    const w = g.channelCodedWeights(
      'w',
      [3, 2],
      codes,
      Float32Array.from([0.01, -0.003]),
      Float32Array.from([-1.5, 0.25]),
      1,
    );
    const b = g.channelCodedWeights(
      'b',
      [1, 2],
      Uint8Array.from([9, 250]),
      Float32Array.from([0.1]),
      Float32Array.from([-3]),
    );
    const kept = g.initializer('kept', [1, 2], Float32Array.from([10, 20]));
    const y = g.node(
      'Add',
      [g.node('Add', [g.node('MatMul', [x, w], 'mm'), b], 'biased'), kept],
      'y',
    );
    g.output(y, 'float32', [1, 2]);
    const original = g.encode({ producer: 'test' });

    const decoded = decodeCodedWeights(original);
    expect(decoded.decoded).toBe(2);
    expect(decoded.model.length).toBeLessThan(original.length);
    const { buffer, byteOffset, byteLength } = decoded.weights;
    const floats = new Float32Array(buffer, byteOffset, byteLength / 4);
    // w[r][c] = code * scale[c] + offset[c], row-major; b starts on the next 64-byte boundary
    expect(floats[0]).toBe(Math.fround(Math.fround(0 * 0.01) + Math.fround(-1.5)));
    expect(floats[1]).toBe(Math.fround(Math.fround(255 * Math.fround(-0.003)) + 0.25));
    expect(floats[16]).toBe(Math.fround(Math.fround(9 * Math.fround(0.1)) - 3));

    const feeds = { x: new ortWeb.Tensor('float32', Float32Array.from([0.5, -2, 3]), [1, 3]) };
    expect(await run(decoded.model, feeds, decoded.weights)).toEqual(await run(original, feeds));
  });

  it('leaves a model without coded weights as it was', () => {
    const g = new OnnxGraph('plain');
    const x = g.input('x', 'float32', [2]);
    g.output(g.node('Relu', [x], 'y'), 'float32', [2]);
    const bytes = g.encode({ producer: 'test' });
    const decoded = decodeCodedWeights(bytes);
    expect(decoded.decoded).toBe(0);
    expect(decoded.model).toBe(bytes);
  });

  it('the default model gives the same embedding of a real photo, decoded or not', async () => {
    const dir = join(root, 'models/mobilenet-v2-fashion');
    const spec = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelSpec;
    const original = new Uint8Array(readFileSync(join(dir, spec.file)));
    const decoded = decodeCodedWeights(original);
    // every convolution's kernel and the head's matrices (52 Conv and 2 Gemm read coded weights)
    expect(decoded.decoded).toBeGreaterThanOrEqual(54);
    expect(decoded.model.length).toBeLessThan(original.length / 10);

    const [file] = readdirSync(images).sort();
    const tensor = createTensorBuffer(spec.input, 1);
    new ImagePreprocessor(spec.input).toTensor(
      await decodeImageNode(join(images, file)),
      tensor,
      0,
    );
    const feeds = {
      [spec.input.name]: new ortWeb.Tensor('float32', tensor, [
        1,
        3,
        spec.input.size,
        spec.input.size,
      ]),
    };
    const a = await run(original, feeds);
    const b = await run(decoded.model, feeds, decoded.weights);
    // The same float32 weights, bit for bit (first test); constant weights may take another
    // summation order in the convolutions (prepacked), hence a last-bits tolerance.
    expect(b.length).toBe(spec.output.dim);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-6);
  }, 60_000);
});
