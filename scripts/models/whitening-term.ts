/**
 * Learned whitening inside the model graph (scripts/lib/whitening.ts): the embedding x becomes
 * normalise(P (x − μ)), with P stored as uint8 codes per output column like the head's matrices.
 * With a colour tail, only the CNN part is whitened; the unit colour tail is put back beside it
 * at its weight. With a pooled input, x is [embedding ‖ unit GeM-pooled backbone layer]. With a
 * blend, the whitened part is appended after the embedding at that weight instead of replacing
 * it (scripts/lib/whitened-embedding.ts computes the same in JS).
 */
import { attr, type OnnxGraph } from '../lib/onnx-graph.ts';
import { joinedWhitening, type PooledInput, type WhiteningFile } from '../lib/whitening-file.ts';
import { quantiseColumns } from './quantise-columns.ts';

const i64 = (...values: number[]) => BigInt64Array.from(values.map(BigInt));

/** Output width of the whitened embedding. */
export const whitenedDim = ({ whitening, meta }: WhiteningFile) =>
  (meta.blend ? whitening.dim + meta.tail : 0) + whitening.out + meta.tail;

/**
 * Appends the pooled input: GeM of the backbone tensor `input.layer` ([rows, C, H, W] after
 * ReLU6, so non-negative), averaged over [photos; mirrors] when `input.mirror` (the rows then
 * hold both halves, as the head's pooled layers do), L2-normalised; returns its [N, C] name.
 */
export function appendPooledInput(graph: OnnxGraph, input: PooledInput, name: string): string {
  const power = graph.initializer(`${name}_p`, [], Float32Array.of(input.p));
  const root = graph.initializer(`${name}_inv_p`, [], Float32Array.of(1 / input.p));
  const positive = graph.node('Relu', [input.layer], `${name}_relu`);
  const raised = graph.node('Pow', [positive, power], `${name}_pow`);
  const mean = graph.node('GlobalAveragePool', [raised], `${name}_mean`);
  const gem = graph.node('Pow', [mean, root], `${name}_root`);
  let rows = graph.node('Flatten', [gem], `${name}_gem`, { axis: attr.int(1) });
  if (input.mirror) {
    const shape = graph.initializer(`${name}_pair_shape`, [3], i64(2, -1, input.dim));
    const pair = graph.node('Reshape', [rows, shape], `${name}_pairs`);
    rows = graph.node('ReduceMean', [pair], `${name}_averaged`, { axes: attr.ints([0]), keepdims: attr.int(0) });
  }
  const epsilon = graph.initializer(`${name}_epsilon`, [], Float32Array.of(1e-12));
  const norm = graph.node('ReduceL2', [rows], `${name}_norm`, { axes: attr.ints([1]), keepdims: attr.int(1) });
  return graph.node('Div', [rows, graph.node('Max', [norm, epsilon], `${name}_norm_safe`)], name);
}

/** Appends the whitening after `embedding` ([N, dim] unit rows); returns its output's name. */
export function appendWhitening(
  graph: OnnxGraph,
  embedding: string,
  file: WhiteningFile,
  output: string,
): string {
  const { meta } = file;
  if (meta.pooled && meta.tail) throw new Error('a pooled input needs a whitening of the whole embedding');
  const { dim, out, mean, projection } = joinedWhitening(file);
  const epsilon = graph.initializer('white_epsilon', [], Float32Array.of(1e-12));
  const l2 = (x: string, name: string) => {
    const norm = graph.node('ReduceL2', [x], `${name}_norm`, { axes: attr.ints([1]), keepdims: attr.int(1) });
    return graph.node('Div', [x, graph.node('Max', [norm, epsilon], `${name}_norm_safe`)], name);
  };
  const slice = (from: number, to: number, name: string) =>
    graph.node(
      'Slice',
      [
        embedding,
        graph.initializer(`${name}_starts`, [1], i64(from)),
        graph.initializer(`${name}_ends`, [1], i64(to)),
        graph.initializer(`${name}_axes`, [1], i64(1)),
      ],
      name,
    );
  const input = meta.pooled
    ? graph.node('Concat', [embedding, appendPooledInput(graph, meta.pooled, 'white_pooled')], 'white_input', {
        axis: attr.int(1),
      })
    : meta.tail
      ? slice(0, dim, 'white_cnn')
      : embedding;
  const centred = graph.node('Sub', [input, graph.initializer('white_mean', [dim], mean)], 'white_centred');
  // MatMul takes [dim, out]: Pᵀ, coded per output column.
  const transposed = new Float32Array(dim * out);
  for (let i = 0; i < out; i++) for (let j = 0; j < dim; j++) transposed[j * out + i] = projection[i * dim + j];
  const { codes, scales, offsets } = quantiseColumns(transposed, dim, out);
  const matrix = graph.channelCodedWeights('white_p', [dim, out], codes, scales, offsets, 1);
  const whitened = graph.node('MatMul', [centred, matrix], 'white_projected');
  const name = meta.blend ? 'white_embedding' : output;
  const white = meta.tail ? withTail(whitened, name) : l2(whitened, name);
  if (!meta.blend) return white;
  const weight = graph.initializer('white_blend', [], Float32Array.of(meta.blend));
  const weighted = graph.node('Mul', [white, weight], 'white_weighted');
  return l2(graph.node('Concat', [embedding, weighted], 'white_appended', { axis: attr.int(1) }), output);

  /** [unit whitened CNN part, unit colour tail x its weight], unit again. */
  function withTail(whitened: string, name: string): string {
    const colour = l2(slice(dim, dim + meta.tail, 'white_tail'), 'white_tail_unit');
    const weighted = graph.node(
      'Mul',
      [colour, graph.initializer('white_tail_weight', [], Float32Array.of(meta.tailWeight))],
      'white_tail_weighted',
    );
    const parts = [l2(whitened, 'white_unit'), weighted];
    return l2(graph.node('Concat', parts, 'white_joined', { axis: attr.int(1) }), name);
  }
}
