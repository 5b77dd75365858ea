/**
 * The fashion head's recipe: backbone layers, view averaging, training settings and the blend
 * candidates, chosen by validation scores (the sweep is recorded in docs/training.md).
 */
import type { TrainConfig } from './train-loop.ts';

export interface HeadRecipe {
  layers: string[];
  views: 'plain' | 'average';
  layerNorm: boolean;
  /** Train on the plain and mirrored views too, not only their average. */
  viewAugment: boolean;
  config: TrainConfig;
  /** Raw layer to blend in and the weights to choose from on validation (none: no blend). */
  blend: { layer: string; weights: number[] } | null;
  /** Camera-style validation queries used to choose the blend weight. */
  instanceQueries: number;
}

export const DEFAULT_HEAD_RECIPE: HeadRecipe = {
  layers: ['block_10_project_BN', 'block_12_add', 'block_16_project_BN', 'out_relu'],
  views: 'average',
  layerNorm: false,
  viewAugment: false,
  config: {
    hidden: 512,
    output: 256,
    p: 16,
    k: 4,
    maxEpochs: 60,
    batchesPerEpoch: 40,
    lr: 1e-3,
    weightDecay: 0,
    margin: 0.2,
    patience: 8,
    seed: 1,
    instanceWeight: 1,
  },
  blend: { layer: 'block_12_add', weights: [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5] },
  instanceQueries: 300,
};
