/** Runs photos through MobileNetV2 once and keeps the raw pooled feature of many layers (for layer studies). */
import * as ort from 'onnxruntime-node';
import type { ResizeMethod } from '../../src/shared/model/spec.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';
import { decodeImageNode } from '../lib/decode-node.ts';
import { ProgressBar } from '../lib/progress.ts';
import { buildKerasGraph, INPUT_NAME } from '../lib/keras-graph.ts';
import type { KerasModel } from '../lib/nsfwjs-keras.ts';

const SIZE = 224;
const BATCH = 16;

/** Per layer: count x channels floats, rows in photo order. */
export type PooledFeatures = Map<string, { channels: number; values: Float32Array }>;

export async function extractPooledFeatures(
  keras: KerasModel,
  layers: string[],
  paths: string[],
  resize: ResizeMethod,
): Promise<PooledFeatures> {
  const { graph, layerDims } = buildKerasGraph(keras, {
    layers,
    weights: 'uint8',
    outputs: 'pooled',
    size: SIZE,
  });
  const session = await ort.InferenceSession.create(
    graph.encode({ producer: 'lookalike probe-layers' }),
    {
      intraOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    },
  );
  const input = {
    name: INPUT_NAME,
    size: SIZE,
    layout: 'NCHW' as const,
    resize,
    channels: 'RGB' as const,
    mean: [0, 0, 0] as [number, number, number],
    std: [1, 1, 1] as [number, number, number],
  };
  const preprocessor = new ImagePreprocessor(input);
  const tensor = createTensorBuffer(input, BATCH);
  const features: PooledFeatures = new Map(
    layers.map((layer, i) => [
      layer,
      { channels: layerDims[i], values: new Float32Array(paths.length * layerDims[i]) },
    ]),
  );
  const bar = new ProgressBar(`pooled features (${resize})`, paths.length);
  for (let start = 0; start < paths.length; start += BATCH) {
    const batch = paths.slice(start, start + BATCH);
    const images = await Promise.all(batch.map((path) => decodeImageNode(path)));
    images.forEach((image, i) => preprocessor.toTensor(image, tensor, i));
    const feeds = {
      [INPUT_NAME]: new ort.Tensor('float32', tensor.subarray(0, batch.length * preprocessor.imageLength), [
        batch.length,
        3,
        SIZE,
        SIZE,
      ]),
    };
    const outputs = await session.run(feeds);
    for (const [i, layer] of layers.entries()) {
      const data = outputs[`${layer}_pooled`].data as Float32Array;
      features.get(layer)!.values.set(data, start * layerDims[i]);
    }
    bar.tick(batch.length);
  }
  bar.finish();
  await session.release();
  return features;
}
