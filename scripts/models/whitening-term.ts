/**
 * Learned whitening inside the model graph (scripts/lib/whitening.ts): the embedding x becomes
 * normalise(P (x − μ)), with P stored as uint8 codes per output column like the head's matrices.
 * With a colour tail, only the CNN part is whitened; the unit colour tail is put back beside it
 * at its weight. With a blend, the whitened part is appended after the embedding at that weight
 * instead of replacing it (scripts/lib/whitened-embedding.ts computes the same in JS).
 */
import { attr, type OnnxGraph } from '../lib/onnx-graph.ts';
import type { WhiteningFile } from '../lib/whitening-file.ts';
import { quantiseColumns } from './quantise-columns.ts';

const i64 = (...values: number[]) => BigInt64Array.from(values.map(BigInt));

/** Output width of the whitened embedding. */
export const whitenedDim = ({ whitening, meta }: WhiteningFile) =>
  (meta.blend ? whitening.dim + meta.tail : 0) + whitening.out + meta.tail;

/** Appends the whitening after `embedding` ([N, dim] unit rows); returns its output's name. */
export function appendWhitening(
  graph: OnnxGraph,
  embedding: string,
  file: WhiteningFile,
  output: string,
): string {
  const { whitening, meta } = file;
  const { dim, out, mean, projection } = whitening;
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
  const cnn = meta.tail ? slice(0, dim, 'white_cnn') : embedding;
  const centred = graph.node('Sub', [cnn, graph.initializer('white_mean', [dim], mean)], 'white_centred');
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
