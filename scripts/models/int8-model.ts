/**
 * An int8 variant of a converted float model: pointwise convs quantised by the QDQ pass, with
 * activation ranges calibrated on onnxruntime-node over the given photos (training photos only:
 * see calibrationPhotos).
 */
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';
import { loadLabelledPhotos, type DatasetOptions } from '../lib/dataset.ts';
import { decodeImageNode } from '../lib/decode-node.ts';
import type { ConvertedModel } from '../lib/mobilenet-model.ts';
import { DEFAULT_SPLIT } from '../lib/split.ts';
import { trainingSplit } from '../lib/training-split.ts';
import { calibrateRanges, type RangeMethod } from './calibrate-ranges.ts';
import { pruneGraph } from './onnx-tensors.ts';
import {
  calibrationTensors,
  findPointwiseConvs,
  quantisePointwise,
  type QuantiseOptions,
} from './qdq-pointwise.ts';

const { onnx } = onnxProto;

/** Bump when the pass changes in a way the calibration photos and source hash cannot see. */
export const INT8_VERSION = 'int8-pw-1';

/**
 * `count` photos of the head's training side (never an evaluation query's photographer), evenly
 * spaced through the split's stable order, so the choice is the same on every run.
 */
export function calibrationPhotos(dataset: DatasetOptions, count: number): string[] {
  const { train } = trainingSplit(loadLabelledPhotos(dataset), DEFAULT_SPLIT);
  const sorted = [...train].sort((a, b) => (a.id < b.id ? -1 : 1));
  const step = sorted.length / count;
  return Array.from({ length: Math.min(count, sorted.length) }, (_, i) => sorted[Math.floor(i * step)].path);
}

async function photoFeeds(spec: ModelSpec, paths: string[]) {
  const preprocessor = new ImagePreprocessor(spec.input);
  const { size } = spec.input;
  const feeds: Record<string, ort.Tensor>[] = [];
  for (const path of paths) {
    const tensor = createTensorBuffer(spec.input, 1);
    preprocessor.toTensor(await decodeImageNode(path), tensor, 0);
    feeds.push({ [spec.input.name]: new ort.Tensor('float32', tensor, [1, 3, size, size]) });
  }
  return feeds;
}

/** The int8 model of `float`, as `id`, calibrated on `photos` (paths). */
export async function quantiseModel(
  float: ConvertedModel,
  photos: string[],
  id: string,
  method: RangeMethod = 'mse',
  options: QuantiseOptions = {},
): Promise<ConvertedModel> {
  const model = onnx.ModelProto.decode(float.onnx);
  const convs = findPointwiseConvs(model.graph!, options.everyConv);
  const feeds = await photoFeeds(float.spec, photos);
  const ranges = await calibrateRanges(model, calibrationTensors(convs), feeds, method);
  quantisePointwise(model.graph!, ranges, options);
  pruneGraph(model.graph!);
  const bytes = onnx.ModelProto.encode(model).finish();
  const photoNames = photos.map((p) => p.slice(p.lastIndexOf('/') + 1));
  const sourceHash = createHash('sha256')
    .update(float.spec.sourceHash)
    .update(INT8_VERSION)
    .update(method)
    .update(JSON.stringify({ ...options, keepFloat: [...(options.keepFloat ?? [])] }))
    .update(photoNames.join('\n'))
    .digest('hex');
  const spec: ModelSpec = {
    ...float.spec,
    id,
    version: `${float.spec.version}+${INT8_VERSION}`,
    name: `${float.spec.name}, int8 pointwise convs`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.byteLength,
    sourceHash,
    provenance: [
      ...float.spec.provenance,
      `${options.everyConv ? 'All' : 'The'} ${convs.length - (options.keepFloat?.size ?? 0)} ${options.everyConv ? '' : 'pointwise (1x1) '}convolutions run in int8 (QDQ: ${options.weights ?? 'int8'} weights per output channel, uint8 activations per tensor, ${method === 'mse' ? 'least-error' : 'min/max'} ranges from ${photos.length} training-split photos and their mirrors on onnxruntime-node; scripts/models/qdq-pointwise.ts).`,
    ],
  };
  return { onnx: new Uint8Array(bytes), spec };
}
