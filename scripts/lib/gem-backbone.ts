/**
 * A MobileNetV2 feature extractor for pooling studies: one layer's global-average-pooled and
 * GeM-pooled (generalised mean, (mean x^p)^(1/p) of the non-negative activations) vectors side by
 * side, as one output, for the validation scripts' embedding caches. Not an app model.
 */
import { createHash } from 'node:crypto';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { buildMobilenetGraph } from './mobilenet-graph.ts';
import { convertMobilenet, DEFAULT_MOBILENET_OPTIONS } from './mobilenet-model.ts';
import { loadNsfwjsMobilenet } from './nsfwjs-mobilenet.ts';
import { attr } from './onnx-graph.ts';

const OUTPUT = 'avg_and_gem';

/** ONNX bytes and spec of [average pool ‖ GeM pool with power p] of `layer` (2 x channels values). */
export function gemBackbone(layer: string, p: number): { onnx: Uint8Array; spec: ModelSpec } {
  const base = convertMobilenet(DEFAULT_MOBILENET_OPTIONS).spec;
  const { graph, layerDims } = buildMobilenetGraph(loadNsfwjsMobilenet(), {
    layers: [layer],
    weights: DEFAULT_MOBILENET_OPTIONS.weights,
    outputs: 'pooled',
    size: base.input.size,
  });
  const power = graph.initializer('gem_p', [], Float32Array.of(p));
  const root = graph.initializer('gem_inv_p', [], Float32Array.of(1 / p));
  const positive = graph.node('Relu', [layer], 'gem_relu');
  const raised = graph.node('Pow', [positive, power], 'gem_pow');
  const mean = graph.node('GlobalAveragePool', [raised], 'gem_mean');
  const gem = graph.node('Pow', [mean, root], 'gem_root');
  const flat = graph.node('Flatten', [gem], 'gem_pooled', { axis: attr.int(1) });
  const both = graph.node('Concat', [`${layer}_pooled`, flat], OUTPUT, { axis: attr.int(1) });
  const dim = 2 * layerDims[0];
  graph.output(both, 'float32', ['batch', dim]);
  const onnx = graph.encode({ producer: 'lookalike scripts/lib/gem-backbone' });
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  const spec: ModelSpec = {
    ...base,
    id: `gem-${layer}-p${p}`,
    name: `MobileNetV2 ${layer}: average and GeM (p ${p}) pooled`,
    sha256,
    bytes: onnx.byteLength,
    // normalized: the rows are two parts, each normalised by the caller.
    output: { name: OUTPUT, dim, normalized: true },
  };
  return { onnx, spec };
}
