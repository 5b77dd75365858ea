/** The `mobilenet-v2` model: converter options, their source hash, and conversion to ONNX + ModelSpec. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec, ResizeMethod } from '../../src/shared/model/spec.ts';
import { buildKerasGraph, EMBEDDING_NAME } from './keras-graph.ts';
import { loadNsfwjsMobilenet, nsfwjsModelFiles, type KerasModel } from './nsfwjs-keras.ts';
import { nsfwjsModelSpec } from './nsfwjs-spec.ts';

export const MOBILENET_ID = 'mobilenet-v2';
/** Bump when the conversion changes embeddings in a way the source hash cannot see. */
const CONVERTER_VERSION = '1.0.0';

export interface MobilenetOptions {
  /** Keras layers whose pooled outputs make the embedding (see docs/model-layers.md). */
  layers: string[];
  weights: 'uint8' | 'float32';
  /** How photos are fitted to the square input (recorded in the spec for the preprocessing). */
  resize: ResizeMethod;
}

/** Chosen by `scripts/models/probe-layers.ts`; the measurements are in docs/model-layers.md. */
export const DEFAULT_MOBILENET_OPTIONS: MobilenetOptions = {
  layers: ['block_12_add'],
  weights: 'uint8',
  resize: 'center-crop',
};

const INPUT_SIZE = 224;

/** Source files whose changes change the converted model. */
const converterSources = [
  'mobilenet-model.ts',
  'keras-graph.ts',
  'nsfwjs-keras.ts',
  'nsfwjs-spec.ts',
  'onnx-graph.ts',
  'folded-weights.ts',
].map((file) => join(import.meta.dirname, file));

/** Hash of everything the model derives from: nsfwjs's files, the options, the converter. */
export function mobilenetSourceHash(options: MobilenetOptions): string {
  const hash = createHash('sha256');
  for (const file of [...nsfwjsModelFiles('mobilenet_v2'), ...converterSources])
    hash.update(readFileSync(file));
  hash.update(JSON.stringify({ CONVERTER_VERSION, options }));
  return hash.digest('hex');
}

export interface ConvertedModel {
  onnx: Uint8Array;
  spec: ModelSpec;
}

/** Converts nsfwjs's MobileNetV2 backbone to an ONNX embedding model and its spec. */
export function convertMobilenet(
  options: MobilenetOptions = DEFAULT_MOBILENET_OPTIONS,
  keras: KerasModel = loadNsfwjsMobilenet(),
): ConvertedModel {
  const sourceHash = mobilenetSourceHash(options);
  const { graph, dim, layerDims } = buildKerasGraph(keras, {
    layers: options.layers,
    weights: options.weights,
    outputs: 'embedding',
    size: INPUT_SIZE,
  });
  const provenance = [
    `Keras MobileNetV2 (alpha 1.0, ${INPUT_SIZE}x${INPUT_SIZE}) from the npm package nsfwjs@${keras.version} (dist/models/mobilenet_v2), uint8-quantised weights.`,
    'Blocks 0-10 keep the ImageNet weights of Keras Applications; blocks 11-16 and Conv_1 were fine-tuned by nsfwjs for NSFW classification. The classifier head is dropped.',
    `Embedding: global average pool of ${options.layers.map((l, i) => `${l} (${layerDims[i]})`).join(', ')}` +
      (options.layers.length > 1 ? ', each L2-normalised, concatenated' : '') +
      ', L2-normalised in the graph.',
    `Batch norms folded into the convolutions; ${options.weights === 'uint8' ? "weights keep nsfwjs's uint8 codes, exactly (per-channel scale and offset, decoded in the graph)" : 'folded weights stored as float32'}.`,
    `Converted by scripts/models/convert-mobilenet.ts (converter ${CONVERTER_VERSION}).`,
  ];
  const onnx = graph.encode({
    producer: 'lookalike scripts/models',
    docString: provenance.join('\n'),
    props: { layers: options.layers.join(','), sourceHash },
  });
  const spec = nsfwjsModelSpec({
    id: MOBILENET_ID,
    version: `${CONVERTER_VERSION}+${sourceHash.slice(0, 8)}`,
    name: 'MobileNetV2 (ImageNet backbone)',
    onnx,
    sourceHash,
    size: INPUT_SIZE,
    resize: options.resize,
    output: { name: EMBEDDING_NAME, dim, normalized: true },
    architecture: keras.architecture,
    provenance,
  });
  return { onnx, spec };
}
