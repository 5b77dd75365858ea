/**
 * A colour term inside the model graph: a soft bins x bins x bins RGB histogram of the middle
 * of the input (pixels in [0, 1], NCHW), L2-normalised. Concatenated beside the embedding it
 * makes results share the query's colours as well as its kind, and it survives the blur,
 * rescaling and crops that throw the backbone off. It costs at most ~0.6 M multiplications
 * (8 bins), against MobileNetV2's ~300 M.
 */
import { attr, type OnnxGraph } from '../lib/onnx-graph.ts';

/**
 * Weight of the colour term beside the fashion model's unit head and raw parts (0: none). 0.4
 * is the largest that kept validation P@5 with 4 bins; `npm run eval` confirmed it (instance
 * R@1 +0.047, P@5 held; docs/training.md).
 */
export const FASHION_COLOUR_WEIGHT = 0.4;

/**
 * Default bins per channel (the joint histogram has bins^3 entries). 4 (64 dims) did as well as
 * 8 (512 dims) on validation, for an eighth of the embedding growth.
 */
export const COLOUR_BINS = 4;

/** A colour term's weight beside the other parts and its bins per channel. */
export interface ColourTerm {
  weight: number;
  bins: number;
}
export const FASHION_COLOUR: ColourTerm = { weight: FASHION_COLOUR_WEIGHT, bins: COLOUR_BINS };

/** Dimensions the term adds: one per joint bin. */
export const colourTermDim = (bins: number) => bins ** 3;

// POOL and CENTRAL are spatial (which pixels are counted), independent of the bin count.
/** The input is averaged in POOL x POOL blocks first: the count, not the detail, matters. */
const POOL = 4;
/** Share of each side kept around the centre, where the garment usually is. */
const CENTRAL = 0.6;

const i64 = (...values: number[]) => BigInt64Array.from(values.map(BigInt));

/** Appends the histogram of `pixels` ([N, 3, size, size]); returns its [N, bins^3] unit rows. */
export function appendColourHistogram(graph: OnnxGraph, pixels: string, size: number, bins = COLOUR_BINS): string {
  const pooledSide = Math.floor(size / POOL);
  const from = Math.floor((pooledSide * (1 - CENTRAL)) / 2);
  const to = pooledSide - from;
  const side = to - from;
  const pooled = graph.node('AveragePool', [pixels], 'colour_pooled', {
    kernel_shape: attr.ints([POOL, POOL]),
    strides: attr.ints([POOL, POOL]),
  });
  const middle = graph.node(
    'Slice',
    [
      pooled,
      graph.initializer('colour_starts', [2], i64(from, from)),
      graph.initializer('colour_ends', [2], i64(to, to)),
      graph.initializer('colour_axes', [2], i64(2, 3)),
    ],
    'colour_middle',
  );
  // Triangular memberships of each channel value in `bins` evenly spaced centres (sum to 1).
  const x = graph.node('Unsqueeze', [middle, graph.initializer('colour_unsq', [1], i64(2))], 'colour_x');
  const centres = Float32Array.from({ length: bins }, (_, k) => k / (bins - 1));
  const c = graph.initializer('colour_centres', [1, 1, bins, 1, 1], centres);
  const distance = graph.node('Abs', [graph.node('Sub', [x, c], 'colour_diff')], 'colour_dist');
  const scaled = graph.node(
    'Mul',
    [distance, graph.initializer('colour_spread', [], Float32Array.of(bins - 1))],
    'colour_scaled',
  );
  const membership = graph.node(
    'Relu',
    [graph.node('Sub', [graph.initializer('colour_one', [], Float32Array.of(1)), scaled], 'colour_tri')],
    'colour_membership',
  );
  // [N, 3, B, s, s] -> one [N, B, B, B, s, s] joint membership per pixel, averaged over pixels.
  const channel = (i: number, shape: number[]) => {
    const one = graph.node(
      'Slice',
      [
        membership,
        graph.initializer(`colour_c${i}_start`, [1], i64(i)),
        graph.initializer(`colour_c${i}_end`, [1], i64(i + 1)),
        graph.initializer(`colour_c${i}_axis`, [1], i64(1)),
      ],
      `colour_c${i}`,
    );
    return graph.node('Reshape', [one, graph.initializer(`colour_c${i}_shape`, [6], i64(...shape))], `colour_c${i}_r`);
  };
  const B = bins;
  const r = channel(0, [0, B, 1, 1, side, side]);
  const g = channel(1, [0, 1, B, 1, side, side]);
  const b = channel(2, [0, 1, 1, B, side, side]);
  const joint = graph.node('Mul', [graph.node('Mul', [r, g], 'colour_rg'), b], 'colour_joint');
  const histogram = graph.node('ReduceMean', [joint], 'colour_hist', {
    axes: attr.ints([4, 5]),
    keepdims: attr.int(0),
  });
  const flat = graph.node('Reshape', [histogram, graph.initializer('colour_flat', [2], i64(0, -1))], 'colour_flat_hist');
  const norm = graph.node('ReduceL2', [flat], 'colour_norm', { axes: attr.ints([1]), keepdims: attr.int(1) });
  const safe = graph.node('Max', [norm, graph.initializer('colour_eps', [], Float32Array.of(1e-12))], 'colour_norm_safe');
  return graph.node('Div', [flat, safe], 'colour_unit');
}
