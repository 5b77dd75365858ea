/**
 * A MobileNetV2 feature extractor for pooling studies: one layer's global-average-pooled and
 * GeM-pooled (generalised mean, (mean x^p)^(1/p) of the non-negative activations) vectors side by
 * side, as one output, for the validation scripts' embedding caches; of the photo, or of its
 * mirror image. Not an app model: the default model computes its GeM input in the graph
 * (scripts/models/whitening-term.ts), photo and mirror averaged as `pooledInputRows` does here.
 */
import { createHash } from 'node:crypto';
import onnxProto from 'onnx-proto';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { buildKerasGraph, INPUT_NAME } from './keras-graph.ts';
import { convertMobilenet, DEFAULT_MOBILENET_OPTIONS } from './mobilenet-model.ts';
import { loadNsfwjsMobilenet } from './nsfwjs-keras.ts';
import { attr, type OnnxGraph } from './onnx-graph.ts';

const { onnx: proto } = onnxProto;
const OUTPUT = 'avg_and_gem';
const MIRRORED = 'pixels_mirrored';

/**
 * The backbone's graph up to `layer` (also average-pooled), with the layer after a ReLU raised
 * to the power p: GeM's first half, pooled whole or by window; `root` is 1 / p.
 */
export function gemRaisedLayer(layer: string, p: number) {
  const base = convertMobilenet(DEFAULT_MOBILENET_OPTIONS).spec;
  const { graph, layerDims } = buildKerasGraph(loadNsfwjsMobilenet(), {
    layers: [layer],
    weights: DEFAULT_MOBILENET_OPTIONS.weights,
    outputs: 'pooled',
    size: base.input.size,
  });
  const power = graph.initializer('gem_p', [], Float32Array.of(p));
  const root = graph.initializer('gem_inv_p', [], Float32Array.of(1 / p));
  const positive = graph.node('Relu', [layer], 'gem_relu');
  const raised = graph.node('Pow', [positive, power], 'gem_pow');
  return { base, graph, layerDims, raised, root };
}

/**
 * ONNX bytes and spec of [average pool ‖ GeM pool with power p] of `layer` (2 x channels values);
 * of the mirrored photo with `mirror`.
 */
export function gemBackbone(
  layer: string,
  p: number,
  { mirror = false } = {},
): { onnx: Uint8Array; spec: ModelSpec } {
  const { base, graph, layerDims, raised, root } = gemRaisedLayer(layer, p);
  const mean = graph.node('GlobalAveragePool', [raised], 'gem_mean');
  const gem = graph.node('Pow', [mean, root], 'gem_root');
  const flat = graph.node('Flatten', [gem], 'gem_pooled', { axis: attr.int(1) });
  const both = graph.node('Concat', [`${layer}_pooled`, flat], OUTPUT, { axis: attr.int(1) });
  const dim = 2 * layerDims[0];
  graph.output(both, 'float32', ['batch', dim]);
  const slice = mirror ? mirrorSlice(graph) : [];
  let onnx = graph.encode({ producer: 'lookalike scripts/lib/gem-backbone' });
  if (mirror) onnx = mirroredInput(onnx, slice);
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  const spec: ModelSpec = {
    ...base,
    id: `gem-${layer}-p${p}${mirror ? '-mirror' : ''}`,
    name: `MobileNetV2 ${layer}: average and GeM (p ${p}) pooled${mirror ? ', of the mirror image' : ''}`,
    sha256,
    bytes: onnx.byteLength,
    // normalized: the rows are two parts, each normalised by the caller.
    output: { name: OUTPUT, dim, normalized: true },
  };
  return { onnx, spec };
}

/** Slice(starts -1, ends -inf, axis 3 = width, step -1): the initialisers that mirror NCHW images. */
export function mirrorSlice(graph: OnnxGraph): string[] {
  return [
    graph.initializer('mirror_starts', [1], BigInt64Array.of(-1n)),
    graph.initializer('mirror_ends', [1], BigInt64Array.of(-(2n ** 63n) + 1n)),
    graph.initializer('mirror_axes', [1], BigInt64Array.of(3n)),
    graph.initializer('mirror_steps', [1], BigInt64Array.of(-1n)),
  ];
}

/**
 * The backbone reads the input mirrored: the builder declares the input inside the backbone, so
 * this edits the encoded graph (as scripts/models/fashion-model.ts feeds it [photos; mirrors]).
 */
export function mirroredInput(bytes: Uint8Array, slice: string[]): Uint8Array {
  const model = proto.ModelProto.decode(bytes);
  const graph = model.graph!;
  for (const node of graph.node ?? []) {
    node.input = (node.input ?? []).map((name) => (name === INPUT_NAME ? MIRRORED : name));
  }
  graph.node = [
    proto.NodeProto.create({
      opType: 'Slice',
      name: MIRRORED,
      input: [INPUT_NAME, ...slice],
      output: [MIRRORED],
    }),
    ...(graph.node ?? []),
  ];
  return proto.ModelProto.encode(model).finish();
}

/**
 * The default model's pooled whitening input from the extractor's rows ([average ‖ GeM], count x
 * 2C) of the photos and, when given, of their mirror images: the GeM halves averaged, unit rows
 * (count x C), as scripts/models/whitening-term.ts's appendPooledInput computes in the graph.
 */
export function pooledInputRows(
  plain: Float32Array,
  mirrored: Float32Array | null,
  channels: number,
): Float32Array {
  const count = plain.length / (2 * channels);
  const out = new Float32Array(count * channels);
  for (let r = 0; r < count; r++) {
    const row = out.subarray(r * channels, (r + 1) * channels);
    for (let j = 0; j < channels; j++) {
      const at = r * 2 * channels + channels + j;
      row[j] = mirrored ? (plain[at] + mirrored[at]) / 2 : plain[at];
    }
    const norm = Math.hypot(...row) || 1;
    for (let j = 0; j < channels; j++) row[j] /= norm;
  }
  return out;
}
