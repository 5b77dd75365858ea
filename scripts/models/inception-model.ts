/**
 * The opt-in `inception-v3` model (issue 16's "quality" candidate): nsfwjs's Keras InceptionV3
 * backbone pooled at `mixed8`, converted like `mobilenet-v2`, plus, when committed, a whitening
 * learned from matched pairs appended after the embedding (docs/training.md, "InceptionV3").
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { ResizeMethod } from '../../src/shared/model/spec.ts';
import { buildKerasGraph, EMBEDDING_NAME } from '../lib/keras-graph.ts';
import type { ConvertedModel } from '../lib/mobilenet-model.ts';
import { loadNsfwjsModel, nsfwjsModelFiles, type KerasModel } from '../lib/nsfwjs-keras.ts';
import { nsfwjsModelSpec } from '../lib/nsfwjs-spec.ts';
import { decodeWhiteningFile, type WhiteningFile } from '../lib/whitening-file.ts';
import { appendWhitening, whitenedDim } from './whitening-term.ts';

const { onnx } = onnxProto;

export const INCEPTION_ID = 'inception-v3';
/** Bump when the conversion changes embeddings in a way the source hash cannot see. */
const CONVERTER_VERSION = '1.0.0';
/** nsfwjs feeds InceptionV3 299 x 299 pixels as v / 255, like its MobileNetV2. */
const INPUT_SIZE = 299;
/** The whitening's output: the embedding, then the whitened part at its blend weight. */
const WHITENED_NAME = 'whitened_embedding';

export const INCEPTION_WHITENING_FILE = join(
  import.meta.dirname,
  '../../models/heads/inception-v3.whitening.bin',
);
export const committedInceptionWhitening = (): Uint8Array | null =>
  existsSync(INCEPTION_WHITENING_FILE) ? new Uint8Array(readFileSync(INCEPTION_WHITENING_FILE)) : null;

export interface InceptionOptions {
  /** Keras layers whose pooled outputs make the embedding ("mixed8", ...). */
  layers: string[];
  resize: ResizeMethod;
}

/** mixed8 scored best of mixed5 to mixed10 on the validation split (docs/training.md). */
export const DEFAULT_INCEPTION_OPTIONS: InceptionOptions = {
  layers: ['mixed8'],
  resize: 'center-crop',
};

const converterSources = [
  join(import.meta.dirname, 'inception-model.ts'),
  join(import.meta.dirname, 'whitening-term.ts'),
  ...[
    'keras-graph.ts',
    'nsfwjs-keras.ts',
    'nsfwjs-spec.ts',
    'onnx-graph.ts',
    'folded-weights.ts',
  ].map((file) =>
    join(import.meta.dirname, '../lib', file),
  ),
];

/** Hash of nsfwjs's files, the options, the converter and (when given) the whitening. */
export function inceptionSourceHash(options: InceptionOptions, whiteningBytes: Uint8Array | null = null): string {
  const hash = createHash('sha256');
  for (const file of [...nsfwjsModelFiles('inception_v3'), ...converterSources]) {
    hash.update(readFileSync(file));
  }
  hash.update(JSON.stringify({ CONVERTER_VERSION, options }));
  if (whiteningBytes) hash.update(whiteningBytes);
  return hash.digest('hex');
}

/** The whitening file's matrices, checked against the unwhitened model it was learned on. */
function whiteningFor(bytes: Uint8Array, options: InceptionOptions, dim: number): WhiteningFile {
  const file = decodeWhiteningFile(bytes);
  if (file.meta.learnedOn !== inceptionSourceHash(options) || file.whitening.dim !== dim) {
    throw new Error(
      'the InceptionV3 whitening was learned on another conversion: run ' +
        'npx tsx scripts/models/learn-whitening.ts --model inception-v3 (see docs/training.md)',
    );
  }
  if (file.meta.tail || file.meta.pooled) throw new Error('InceptionV3 whitening: whole embedding only');
  return file;
}

/** Converts nsfwjs's InceptionV3 backbone (and its whitening, when given) to ONNX and a spec. */
export function convertInception(
  options: InceptionOptions = DEFAULT_INCEPTION_OPTIONS,
  keras: KerasModel = loadNsfwjsModel('inception_v3'),
  whiteningBytes: Uint8Array | null = null,
  id = INCEPTION_ID,
): ConvertedModel {
  const sourceHash = inceptionSourceHash(options, whiteningBytes);
  const { graph, dim, layerDims } = buildKerasGraph(keras, {
    layers: options.layers,
    weights: 'uint8',
    outputs: 'embedding',
    size: INPUT_SIZE,
  });
  const whitening = whiteningBytes && whiteningFor(whiteningBytes, options, dim);
  const output = whitening
    ? { name: appendWhitening(graph, EMBEDDING_NAME, whitening, WHITENED_NAME), dim: whitenedDim(whitening) }
    : { name: EMBEDDING_NAME, dim };
  if (whitening) graph.output(output.name, 'float32', ['batch', output.dim]);
  const provenance = [
    `Keras InceptionV3 (${INPUT_SIZE}x${INPUT_SIZE}) from the npm package nsfwjs@${keras.version} (dist/models/inception_v3), uint8-quantised weights, fine-tuned by nsfwjs for NSFW classification; the classifier head is dropped.`,
    `Embedding: global average pool of ${options.layers.map((l, i) => `${l} (${layerDims[i]})`).join(', ')}` +
      (options.layers.length > 1 ? ', each L2-normalised, concatenated' : '') +
      ', L2-normalised in the graph.',
    ...(whitening
      ? [
          `Then a whitening learned from matched pairs (${whitening.whitening.dim} -> ${whitening.whitening.out} dims, models/heads/inception-v3.whitening.bin) appended at weight ${whitening.meta.blend}, L2-normalised again.`,
        ]
      : []),
    "Batch norms folded into the convolutions; weights keep nsfwjs's uint8 codes (per-channel scale and offset, decoded in the graph).",
    `Converted by scripts/models/inception-model.ts (converter ${CONVERTER_VERSION}).`,
  ];
  const model = onnx.ModelProto.decode(
    graph.encode({
      producer: 'lookalike scripts/models',
      docString: provenance.join('\n'),
      props: { layers: options.layers.join(','), sourceHash },
    }),
  );
  // With a whitening, the unwhitened embedding the builder declared is internal.
  model.graph!.output = (model.graph!.output ?? []).filter((o) => o.name === output.name);
  const bytes = onnx.ModelProto.encode(model).finish();
  const spec = nsfwjsModelSpec({
    id,
    version: `${CONVERTER_VERSION}+${sourceHash.slice(0, 8)}`,
    name: 'InceptionV3 (quality, large)',
    onnx: bytes,
    sourceHash,
    size: INPUT_SIZE,
    resize: options.resize,
    output: { name: output.name, dim: output.dim, normalized: true },
    architecture: keras.architecture,
    provenance,
  });
  return { onnx: bytes, spec };
}
