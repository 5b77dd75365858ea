/** The fashion head's weights: its shape, its tensors, and their seeded He initialisation. */
import { gaussian, type Random } from './seeded-random.ts';

export interface HeadShape {
  input: number;
  /** Hidden ReLU width; 0 makes the head a single linear projection. */
  hidden: number;
  output: number;
}

/** Weights, row-major: w1 is [input x (hidden || output)], w2 is [hidden x output]. */
export interface HeadWeights {
  shape: HeadShape;
  /** Per-feature standardisation, fixed from the training features (not trained). */
  mean: Float32Array;
  invStd: Float32Array;
  w1: Float32Array;
  b1: Float32Array;
  /** Empty for a linear head. */
  w2: Float32Array;
  b2: Float32Array;
}

/** Width of the first layer's output. */
export const firstWidth = (shape: HeadShape) => shape.hidden || shape.output;

/** He-initialised weights (seeded) around the given standardisation. */
export function initHead(
  shape: HeadShape,
  mean: Float32Array,
  invStd: Float32Array,
  random: Random,
): HeadWeights {
  const width = firstWidth(shape);
  const w1 = new Float32Array(shape.input * width);
  const s1 = Math.sqrt((shape.hidden ? 2 : 1) / shape.input);
  for (let i = 0; i < w1.length; i++) w1[i] = s1 * gaussian(random);
  const w2 = new Float32Array(shape.hidden * (shape.hidden ? shape.output : 0));
  const s2 = Math.sqrt(1 / Math.max(1, shape.hidden));
  for (let i = 0; i < w2.length; i++) w2[i] = s2 * gaussian(random);
  return {
    shape,
    mean,
    invStd,
    w1,
    b1: new Float32Array(width),
    w2,
    b2: new Float32Array(shape.hidden ? shape.output : 0),
  };
}
