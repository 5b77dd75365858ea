/**
 * Trains the head: P x K batches, batch-hard triplet loss, AdamW, one validation per epoch, early
 * stopping that restores the best weights. Deterministic for a seed (plain float loops, seeded
 * init and sampling).
 */
import { deriveSeed, seededRandom } from '../eval/seeded-random.ts';
import { Adam } from './adam.ts';
import {
  backward,
  embedAll,
  forward,
  HeadWorkspace,
  initHead,
  standardisation,
  trainable,
  type HeadWeights,
} from './head.ts';
import { PkSampler } from './pk-sampler.ts';
import { batchHardTriplet, TripletWorkspace, type Margin } from './triplet-loss.ts';
import { validate } from './validate.ts';

export interface TrainConfig {
  /** Hidden ReLU width (0: linear head). */
  hidden: number;
  output: number;
  p: number;
  k: number;
  maxEpochs: number;
  batchesPerEpoch: number;
  lr: number;
  weightDecay: number;
  margin: Margin;
  /** Epochs without a better validation mAP@10 before stopping. */
  patience: number;
  seed: number;
}

export interface LabelledRows {
  /** Row-major features, `dim` per row. */
  features: Float32Array;
  labels: string[];
}

export interface TrainData {
  dim: number;
  /** Labelled training photos (no non-labels). */
  train: LabelledRows;
  /**
   * Other views of the training rows (same order and size, e.g. the plain and the mirrored
   * photo): each batch row is drawn from `train` or one of these at random (augmentation).
   */
  trainViews?: Float32Array[];
  /** Validation queries: photos of photographers the training never sees. */
  valQueries: LabelledRows;
  /** What validation queries search: the training photographers' photos, distractors included. */
  valCatalog: LabelledRows;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  /** Share of anchors whose hardest triplet still violated the margin. */
  active: number;
  valMapAt10: number;
  valPAt5: number;
}

export interface TrainResult {
  head: HeadWeights;
  history: EpochLog[];
  best: EpochLog;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function trainHead(
  data: TrainData,
  config: TrainConfig,
  log: (entry: EpochLog) => void = () => {},
): TrainResult {
  const { dim, train } = data;
  const labelIds = new Map<string, number>();
  const labels = Int32Array.from(train.labels, (l) => {
    if (!labelIds.has(l)) labelIds.set(l, labelIds.size);
    return labelIds.get(l)!;
  });
  const { mean, invStd } = standardisation(train.features, dim);
  const shape = { input: dim, hidden: config.hidden, output: config.output };
  const head = initHead(shape, mean, invStd, seededRandom(deriveSeed(config.seed, 'init')));
  const params = trainable(head);
  const grads = params.map((p) => new Float32Array(p.length));
  const adam = new Adam(params, { lr: config.lr, weightDecay: config.weightDecay });
  const sampler = new PkSampler(
    labels,
    config.p,
    config.k,
    seededRandom(deriveSeed(config.seed, 'batches')),
  );
  const rows = sampler.p * config.k;
  const ws = new HeadWorkspace(shape, rows);
  const tripletWs = new TripletWorkspace(rows);
  const batchFeatures = new Float32Array(rows * dim);
  const batchLabels = new Int32Array(rows);
  const gradE = new Float32Array(rows * config.output);
  const views = [train.features, ...(data.trainViews ?? [])];
  const pickView = seededRandom(deriveSeed(config.seed, 'views'));

  const history: EpochLog[] = [];
  let best: EpochLog | null = null;
  let bestWeights = params.map((p) => p.slice());
  for (let epoch = 1; epoch <= config.maxEpochs; epoch++) {
    let loss = 0;
    let active = 0;
    let anchors = 0;
    for (let b = 0; b < config.batchesPerEpoch; b++) {
      const batch = sampler.next();
      batch.forEach((item, r) => {
        const view = views.length > 1 ? views[Math.floor(pickView() * views.length)] : views[0];
        batchFeatures.set(view.subarray(item * dim, (item + 1) * dim), r * dim);
        batchLabels[r] = labels[item];
      });
      const e = forward(head, batchFeatures, batch.length, ws);
      const result = batchHardTriplet(
        e,
        batchLabels,
        batch.length,
        config.output,
        config.margin,
        gradE,
        tripletWs,
      );
      backward(head, gradE, batch.length, ws, grads);
      adam.step(grads);
      loss += result.loss;
      active += result.active;
      anchors += result.anchors;
    }
    const scores = validate(
      embedAll(head, data.valQueries.features),
      data.valQueries.labels,
      embedAll(head, data.valCatalog.features),
      data.valCatalog.labels,
      config.output,
    );
    const entry: EpochLog = {
      epoch,
      loss: round(loss / config.batchesPerEpoch),
      active: round(active / Math.max(1, anchors)),
      valMapAt10: round(scores.mapAt10),
      valPAt5: round(scores.pAt5),
    };
    history.push(entry);
    log(entry);
    if (!best || entry.valMapAt10 > best.valMapAt10) {
      best = entry;
      bestWeights = params.map((p) => p.slice());
    } else if (epoch - best.epoch >= config.patience) break;
  }
  params.forEach((p, i) => p.set(bestWeights[i]));
  return { head, history, best: best! };
}
