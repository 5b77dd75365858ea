/**
 * The opt-in `inception-v3` model (issue 16's "quality" candidate): nsfwjs's Keras InceptionV3
 * backbone, pooled at chosen layers, converted like `mobilenet-v2` (see docs/training.md).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec, ResizeMethod } from '../../src/shared/model/spec.ts';
import { buildKerasGraph, EMBEDDING_NAME, INPUT_NAME } from './keras-graph.ts';
import { loadNsfwjsModel, nsfwjsModelFiles, type KerasModel } from './nsfwjs-keras.ts';
import type { ConvertedModel } from './mobilenet-model.ts';

export const INCEPTION_ID = 'inception-v3';
/** Bump when the conversion changes embeddings in a way the source hash cannot see. */
const CONVERTER_VERSION = '1.0.0';
/** nsfwjs feeds InceptionV3 299 x 299 pixels as v / 255, like its MobileNetV2. */
const INPUT_SIZE = 299;

export interface InceptionOptions {
  /** Keras layers whose pooled outputs make the embedding ("mixed7", ...). */
  layers: string[];
  resize: ResizeMethod;
}

export const DEFAULT_INCEPTION_OPTIONS: InceptionOptions = {
  layers: ['mixed8'],
  resize: 'center-crop',
};

const converterSources = [
  'inception-model.ts',
  'keras-graph.ts',
  'nsfwjs-keras.ts',
  'onnx-graph.ts',
  'folded-weights.ts',
].map((file) => join(import.meta.dirname, file));

export function inceptionSourceHash(options: InceptionOptions): string {
  const hash = createHash('sha256');
  for (const file of [...nsfwjsModelFiles('inception_v3'), ...converterSources]) {
    hash.update(readFileSync(file));
  }
  hash.update(JSON.stringify({ CONVERTER_VERSION, options }));
  return hash.digest('hex');
}

/** Converts nsfwjs's InceptionV3 backbone to an ONNX embedding model and its spec. */
export function convertInception(
  options: InceptionOptions = DEFAULT_INCEPTION_OPTIONS,
  keras: KerasModel = loadNsfwjsModel('inception_v3'),
  id = INCEPTION_ID,
): ConvertedModel {
  const sourceHash = inceptionSourceHash(options);
  const { graph, dim, layerDims } = buildKerasGraph(keras, {
    layers: options.layers,
    weights: 'uint8',
    outputs: 'embedding',
    size: INPUT_SIZE,
  });
  const provenance = [
    `Keras InceptionV3 (${INPUT_SIZE}x${INPUT_SIZE}) from the npm package nsfwjs@${keras.version} (dist/models/inception_v3), uint8-quantised weights, fine-tuned by nsfwjs for NSFW classification; the classifier head is dropped.`,
    `Embedding: global average pool of ${options.layers.map((l, i) => `${l} (${layerDims[i]})`).join(', ')}` +
      (options.layers.length > 1 ? ', each L2-normalised, concatenated' : '') +
      ', L2-normalised in the graph.',
    "Batch norms folded into the convolutions; weights keep nsfwjs's uint8 codes (per-channel scale and offset, decoded in the graph).",
    `Converted by scripts/lib/inception-model.ts (converter ${CONVERTER_VERSION}).`,
  ];
  const onnx = graph.encode({
    producer: 'lookalike scripts/models',
    docString: provenance.join('\n'),
    props: { layers: options.layers.join(','), sourceHash },
  });
  const spec: ModelSpec = {
    id,
    version: `${CONVERTER_VERSION}+${sourceHash.slice(0, 8)}`,
    name: 'InceptionV3 (quality, large)',
    runtime: 'onnx',
    file: 'model.onnx',
    sha256: createHash('sha256').update(onnx).digest('hex'),
    bytes: onnx.byteLength,
    sourceHash,
    input: {
      name: INPUT_NAME,
      size: INPUT_SIZE,
      layout: 'NCHW',
      resize: options.resize,
      channels: 'RGB',
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    output: { name: EMBEDDING_NAME, dim, normalized: true },
    towers: { image: true, text: false },
    licence:
      'MIT (nsfwjs, Copyright (c) 2019 Infinite Red, Inc.); InceptionV3 architecture and ImageNet weights from Keras Applications, Apache-2.0.',
    provenance,
  };
  return { onnx, spec };
}
