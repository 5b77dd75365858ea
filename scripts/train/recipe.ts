/**
 * The fashion head's recipe: backbone layers, view averaging and training settings, chosen by
 * validation mAP@10 (the sweep is recorded in docs/training.md).
 */
import type { TrainConfig } from './train-loop.ts';

export interface HeadRecipe {
  layers: string[];
  views: 'plain' | 'average';
  config: TrainConfig;
}

export const DEFAULT_HEAD_RECIPE: HeadRecipe = {
  layers: ['block_10_project_BN', 'block_12_add', 'block_16_project_BN', 'out_relu'],
  views: 'average',
  config: {
    hidden: 0,
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
  },
};
