/**
 * The `mobilenet-v2-fashion` model: the converter's MobileNetV2 pooled layers plus the
 * triplet-trained head (models/heads/mobilenet-v2-fashion.bin, made by `npm run train`) in one
 * ONNX graph. With view averaging the graph embeds the photo and its mirror image in one batch
 * and averages their pooled features before the head, exactly as training saw them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { decodeHeadFile, FASHION_HEAD_FILE, type HeadMeta } from '../lib/head-file.ts';
import { buildKerasGraph, EMBEDDING_NAME, INPUT_NAME } from '../lib/keras-graph.ts';
import {
  convertMobilenet,
  DEFAULT_MOBILENET_OPTIONS,
  mobilenetSourceHash,
  type ConvertedModel,
} from '../lib/mobilenet-model.ts';
import { loadNsfwjsMobilenet, type KerasModel } from '../lib/nsfwjs-keras.ts';
import { attr, type OnnxGraph } from '../lib/onnx-graph.ts';
import { appendColourHistogram, colourTermDim, FASHION_COLOUR, type ColourTerm } from './colour-term.ts';
import { quantiseColumns } from './quantise-columns.ts';
import { decodeWhiteningFile, FASHION_WHITENING_FILE, type WhiteningFile } from '../lib/whitening-file.ts';
import { appendWhitening, whitenedDim } from './whitening-term.ts';

const { onnx } = onnxProto;

export const FASHION_ID = 'mobilenet-v2-fashion';
/** Bump when the export changes embeddings in a way the source hash cannot see. */
const EXPORT_VERSION = '1.3.0';
const PAIR_NAME = 'pixels_with_mirror';

/** The committed whitening (scripts/models/learn-whitening.ts), or null when there is none. */
export const committedWhitening = (): Uint8Array | null =>
  existsSync(FASHION_WHITENING_FILE) ? new Uint8Array(readFileSync(FASHION_WHITENING_FILE)) : null;

/** Hash of the head weights, the backbone's sources, this exporter, the colour term and the whitening. */
export function fashionSourceHash(
  headBytes: Uint8Array = readFileSync(FASHION_HEAD_FILE),
  colour: ColourTerm = FASHION_COLOUR,
  whiteningBytes: Uint8Array | null = null,
): string {
  const base = unwhitenedSourceHash(headBytes, colour);
  return whiteningBytes
    ? createHash('sha256')
        .update(base)
        .update(whiteningBytes)
        .update(readFileSync(join(import.meta.dirname, 'whitening-term.ts')))
        .digest('hex')
    : base;
}

function unwhitenedSourceHash(headBytes: Uint8Array, colour: ColourTerm): string {
  const { meta } = decodeHeadFile(headBytes);
  const hash = createHash('sha256')
    .update(headBytes)
    .update(mobilenetSourceHash({ ...DEFAULT_MOBILENET_OPTIONS, layers: meta.layers }))
    .update(readFileSync(import.meta.filename))
    .update(readFileSync(join(import.meta.dirname, '../lib/head-file.ts')))
    .update(EXPORT_VERSION)
    .digest('hex');
  // A colour term changes the embedding: its code, weight and bins join the hash.
  return colour.weight
    ? createHash('sha256')
        .update(hash)
        .update(readFileSync(join(import.meta.dirname, 'colour-term.ts')))
        .update(`${colour.weight} ${colour.bins}`)
        .digest('hex')
    : hash;
}

type Head = ReturnType<typeof decodeHeadFile>['head'];

/**
 * A head weight matrix [rows, cols] stored as uint8 codes per output column (a quarter of the
 * float bytes: the head would otherwise be most of the file). Cast * scale + offset rather than
 * DequantizeLinear, so onnxruntime folds it to floats at load (see channelCodedWeights).
 */
function codedMatrix(graph: OnnxGraph, name: string, rows: number, cols: number, values: Float32Array): string {
  const { codes, scales, offsets } = quantiseColumns(values, rows, cols);
  return graph.channelCodedWeights(name, [rows, cols], codes, scales, offsets, 1);
}

/** Graph helpers over one OnnxGraph: row-wise L2 normalisation and averaging of view pairs. */
function ops(graph: OnnxGraph) {
  const epsilon = graph.initializer('norm_epsilon', [], new Float32Array([1e-12]));
  return {
    l2: (x: string, name: string) => {
      const norm = graph.node('ReduceL2', [x], `${name}_norm`, {
        axes: attr.ints([1]),
        keepdims: attr.int(1),
      });
      const safe = graph.node('Max', [norm, epsilon], `${name}_norm_safe`);
      return graph.node('Div', [x, safe], name);
    },
    /** Rows are [photos; mirrors]: view them as [2, batch, dim] and average the halves. */
    pairMean: (x: string, width: number, name: string) => {
      const shape = graph.initializer(`${name}_shape`, [3], BigInt64Array.of(2n, -1n, BigInt(width)));
      const pair = graph.node('Reshape', [x, shape], `${name}_pairs`);
      return graph.node('ReduceMean', [pair], name, { axes: attr.ints([0]), keepdims: attr.int(0) });
    },
  };
}

/** Appends the head (and blend) after the pooled outputs; returns the embedding's name. */
function appendHead(
  graph: OnnxGraph,
  pooledOutputs: string[],
  widths: number[],
  head: Head,
  meta: HeadMeta,
  size: number,
  colour: ColourTerm,
  name: string,
): string {
  const { input, hidden, output } = head.shape;
  const { l2, pairMean } = ops(graph);
  const average = meta.views === 'average';
  const pooled = meta.layerNorm ? pooledOutputs.map((p) => l2(p, `${p}_unit`)) : pooledOutputs;
  let x = pooled.length > 1 ? graph.node('Concat', pooled, 'features', { axis: attr.int(1) }) : pooled[0];
  if (average) x = pairMean(x, input, 'features_averaged');
  x = graph.node('Sub', [x, graph.initializer('head_mean', [input], head.mean)], 'centred');
  x = graph.node('Mul', [x, graph.initializer('head_inv_std', [input], head.invStd)], 'standardised');
  const width = hidden || output;
  x = graph.node('MatMul', [x, codedMatrix(graph, 'head_w1', input, width, head.w1)], 'head_mm1');
  x = graph.node('Add', [x, graph.initializer('head_b1', [width], head.b1)], 'head_z1');
  if (hidden) {
    x = graph.node('Relu', [x], 'head_a1');
    x = graph.node('MatMul', [x, codedMatrix(graph, 'head_w2', hidden, output, head.w2)], 'head_mm2');
    x = graph.node('Add', [x, graph.initializer('head_b2', [output], head.b2)], 'head_z2');
  }
  if (!meta.blend) return l2(x, name);
  const h = l2(x, 'head_unit');
  const l = meta.layers.indexOf(meta.blend.layer);
  let raw = pooled[l];
  if (average) raw = pairMean(raw, widths[l], 'raw_averaged');
  raw = l2(raw, 'raw_unit');
  const weight = graph.initializer('raw_weight', [], Float32Array.of(meta.blend.weight));
  raw = graph.node('Mul', [raw, weight], 'raw_weighted');
  const parts = [h, raw];
  if (colour.weight) {
    // The pixels input carries [photos; mirrors] by then: both halves give the same histogram.
    const histogram = appendColourHistogram(graph, INPUT_NAME, size, colour.bins);
    const averaged = pairMean(histogram, colourTermDim(colour.bins), 'colour_averaged');
    const w = graph.initializer('colour_weight', [], Float32Array.of(colour.weight));
    parts.push(graph.node('Mul', [averaged, w], 'colour_weighted'));
  }
  return l2(graph.node('Concat', parts, 'blended', { axis: attr.int(1) }), name);
}

/** The whitening to append, checked against the model it was learned on. */
function whiteningFor(bytes: Uint8Array | null, unwhitened: string, dim: number): WhiteningFile | null {
  if (!bytes) return null;
  const file = decodeWhiteningFile(bytes);
  if (file.meta.learnedOn !== unwhitened || file.whitening.dim + file.meta.tail !== dim) {
    throw new Error(
      'the whitening was learned on another fashion model (head, colour term or exporter changed): ' +
        'run npx tsx scripts/models/learn-whitening.ts, or delete models/heads/mobilenet-v2-fashion.whitening.bin',
    );
  }
  return file;
}

/**
 * Feeds the backbone [pixels; mirrored pixels] instead of pixels. The converter's builder
 * declares the input inside the backbone, so this edits the encoded graph: two nodes in front,
 * the backbone's reads of the input renamed.
 */
function mirrorInput(model: InstanceType<typeof onnx.ModelProto>, slice: string[]): void {
  const graph = model.graph!;
  for (const node of graph.node ?? []) {
    node.input = (node.input ?? []).map((name) => (name === INPUT_NAME ? PAIR_NAME : name));
  }
  graph.node = [
    onnx.NodeProto.create({
      opType: 'Slice',
      name: 'pixels_mirror',
      input: [INPUT_NAME, ...slice],
      output: ['pixels_mirror'],
    }),
    onnx.NodeProto.create({
      opType: 'Concat',
      name: PAIR_NAME,
      input: [INPUT_NAME, 'pixels_mirror'],
      output: [PAIR_NAME],
      attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
    }),
    ...(graph.node ?? []),
  ];
}

/** Builds the fashion model (ONNX bytes + spec) from a head weights file (and a whitening file). */
export function convertFashion(
  headBytes: Uint8Array = readFileSync(FASHION_HEAD_FILE),
  keras: KerasModel = loadNsfwjsMobilenet(),
  colour: ColourTerm = FASHION_COLOUR,
  whiteningBytes: Uint8Array | null = null,
): ConvertedModel {
  const { head, meta } = decodeHeadFile(headBytes);
  const base = convertMobilenet({ ...DEFAULT_MOBILENET_OPTIONS, layers: meta.layers }, keras).spec;
  if (meta.blend && !meta.layers.includes(meta.blend.layer)) {
    throw new Error(`blend layer ${meta.blend.layer} is not among the head's layers`);
  }
  const { graph, dim, layerDims } = buildKerasGraph(keras, {
    layers: meta.layers,
    weights: DEFAULT_MOBILENET_OPTIONS.weights,
    outputs: 'pooled',
    size: base.input.size,
  });
  if (dim !== head.shape.input) {
    throw new Error(`head expects ${head.shape.input} features, the layers give ${dim}`);
  }
  const average = meta.views === 'average';
  // Slice(starts -1, ends -inf, axis 3 = width, step -1) mirrors NCHW images left to right.
  const slice = average
    ? [
        graph.initializer('mirror_starts', [1], BigInt64Array.of(-1n)),
        graph.initializer('mirror_ends', [1], BigInt64Array.of(-(2n ** 63n) + 1n)),
        graph.initializer('mirror_axes', [1], BigInt64Array.of(3n)),
        graph.initializer('mirror_steps', [1], BigInt64Array.of(-1n)),
      ]
    : [];
  const pooled = meta.layers.map((layer) => `${layer}_pooled`);
  const headDim =
    head.shape.output +
    (meta.blend ? layerDims[meta.layers.indexOf(meta.blend.layer)] : 0) +
    (meta.blend && colour.weight ? colourTermDim(colour.bins) : 0);
  const whitening = whiteningFor(whiteningBytes, unwhitenedSourceHash(headBytes, colour), headDim);
  const headName = whitening ? 'unwhitened' : EMBEDDING_NAME;
  let embedding = appendHead(graph, pooled, layerDims, head, meta, base.input.size, colour, headName);
  if (whitening) embedding = appendWhitening(graph, embedding, whitening, EMBEDDING_NAME);
  const outDim = whitening ? whitenedDim(whitening) : headDim;
  graph.output(embedding, 'float32', ['batch', outDim]);

  const sourceHash = fashionSourceHash(headBytes, colour, whiteningBytes);
  const provenance = fashionProvenance(base.provenance, head, meta, dim, colour, whitening);
  const model = onnx.ModelProto.decode(
    graph.encode({
      producer: 'lookalike scripts/models',
      docString: provenance.join('\n'),
      props: { layers: meta.layers.join(','), views: meta.views, sourceHash },
    }),
  );
  // The pooled outputs the builder declared are internal here: keep only the embedding.
  model.graph!.output = (model.graph!.output ?? []).filter((o) => o.name === EMBEDDING_NAME);
  if (average) mirrorInput(model, slice);
  const bytes = onnx.ModelProto.encode(model).finish();
  const spec: ModelSpec = {
    ...base,
    id: FASHION_ID,
    version: `${EXPORT_VERSION}+${sourceHash.slice(0, 8)}`,
    name: 'MobileNetV2 + fashion head (triplet-trained)',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.byteLength,
    sourceHash,
    output: { name: EMBEDDING_NAME, dim: outDim, normalized: true },
    provenance,
  };
  return { onnx: bytes, spec };
}

/** The model's provenance lines: the backbone's, then what this export adds after it. */
function fashionProvenance(
  backbone: string[],
  head: Head,
  meta: HeadMeta,
  dim: number,
  colour: ColourTerm,
  whitening: WhiteningFile | null,
): string[] {
  const average = meta.views === 'average';
  return [
    ...backbone.filter((line) => !line.startsWith('Embedding:')),
    `Embedding: global average pool of ${meta.layers.join(', ')} (${dim} features)` +
      (meta.layerNorm ? ', each L2-normalised' : '') +
      (average ? ', averaged over the photo and its mirror image (in the graph)' : '') +
      `, standardised, then a ${head.shape.hidden ? `${dim}-${head.shape.hidden}-${head.shape.output} ReLU MLP` : `linear ${dim}->${head.shape.output} projection`} (weight matrices stored as uint8 codes per output column), L2-normalised` +
      (meta.blend
        ? `; concatenated with the unit pooled ${meta.blend.layer} times ${meta.blend.weight}` +
          (colour.weight
            ? ` and a soft ${colour.bins}x${colour.bins}x${colour.bins} RGB histogram of the central 60% times ${colour.weight}`
            : '') +
          ', L2-normalised.'
        : '.'),
    'Head trained by scripts/train/train-head.ts (batch-hard triplet loss on frozen backbone features; protocol in docs/training.md); weights in models/heads/mobilenet-v2-fashion.bin.',
    ...(whitening
      ? [
          `Whitening learned from matched pairs (training photo, camera-style view) by scripts/models/learn-whitening.ts: ` +
            (whitening.meta.tail
              ? `the first ${whitening.whitening.dim} dims become normalise(P (x - mu)) (${whitening.whitening.out} dims, P as uint8 codes per output column), the unit colour tail (${whitening.meta.tail} dims) times ${whitening.meta.tailWeight} beside it, L2-normalised; `
              : `x becomes normalise(P (x - mu)) (${whitening.whitening.out} dims, P as uint8 codes per output column); `) +
            'weights in models/heads/mobilenet-v2-fashion.whitening.bin.',
        ]
      : []),
  ];
}
