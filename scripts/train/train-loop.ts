/**
 * Trains the head: P x K batches, batch-hard triplet loss, AdamW, one validation per epoch, early
 * stopping that restores the best weights. Deterministic for a seed (plain float loops, seeded
 * init and sampling).
 */
import { deriveSeed, seededRandom } from '../lib/seeded-random.ts';
import { Adam } from './adam.ts';
import { backward, embedAll, forward, HeadWorkspace, standardisation, trainable } from './head.ts';
import { initHead, type HeadWeights } from '../lib/head-weights.ts';
import { PkSampler } from './pk-sampler.ts';
import { batchHardTriplet, TripletWorkspace, type Margin } from './triplet-loss.ts';
import { instanceRecallAt1, validate } from './validate.ts';

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
  /**
   * Weight of the instance loss (0: none): batch-hard triplets whose positive is the same photo
   * seen through a camera (trainCamera), so the head keeps telling products of a kind apart.
   */
  instanceWeight?: number;
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
  /** A camera-style view of training rows (same order); `has[i]` is 0 for rows without one. */
  trainCamera?: { features: Float32Array; has: Uint8Array };
  /** Validation queries: photos of photographers the training never sees. */
  valQueries: LabelledRows;
  /** What validation queries search: the training photographers' photos, distractors included. */
  valCatalog: LabelledRows;
  /** Camera-style queries of validation-catalog photos, for a per-epoch instance R@1. */
  valCamera?: { features: Float32Array; originals: number[] };
}

export interface EpochLog {
  epoch: number;
  loss: number;
  /** Share of anchors whose hardest triplet still violated the margin. */
  active: number;
  valMapAt10: number;
  valPAt5: number;
  /** Instance loss (only with instanceWeight > 0). */
  instanceLoss?: number;
  /** Share of validation camera queries whose nearest catalog photo is their original. */
  valInstanceR1?: number;
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
  const instanceWeight = data.trainCamera ? (config.instanceWeight ?? 0) : 0;
  // With the instance loss every photo may bring its camera view: up to twice the rows.
  const rows = sampler.p * config.k * (instanceWeight > 0 ? 2 : 1);
  const ws = new HeadWorkspace(shape, rows);
  const tripletWs = new TripletWorkspace(rows);
  const batchFeatures = new Float32Array(rows * dim);
  const batchLabels = new Int32Array(rows);
  const instanceIds = new Int32Array(rows);
  const gradE = new Float32Array(rows * config.output);
  const gradInstance = new Float32Array(rows * config.output);
  const views = [train.features, ...(data.trainViews ?? [])];
  const pickView = seededRandom(deriveSeed(config.seed, 'views'));

  const history: EpochLog[] = [];
  let best: EpochLog | null = null;
  let bestWeights = params.map((p) => p.slice());
  for (let epoch = 1; epoch <= config.maxEpochs; epoch++) {
    let loss = 0;
    let instanceLoss = 0;
    let active = 0;
    let anchors = 0;
    for (let b = 0; b < config.batchesPerEpoch; b++) {
      const batch = sampler.next();
      let n = 0;
      const add = (source: Float32Array, item: number, id: number) => {
        batchFeatures.set(source.subarray(item * dim, (item + 1) * dim), n * dim);
        batchLabels[n] = labels[item];
        instanceIds[n++] = id;
      };
      batch.forEach((item, r) => {
        const view = views.length > 1 ? views[Math.floor(pickView() * views.length)] : views[0];
        add(view, item, r);
      });
      if (instanceWeight > 0) {
        batch.forEach((item, r) => {
          if (data.trainCamera!.has[item]) add(data.trainCamera!.features, item, r);
        });
      }
      const e = forward(head, batchFeatures, n, ws);
      const result = batchHardTriplet(
        e,
        batchLabels,
        n,
        config.output,
        config.margin,
        gradE,
        tripletWs,
      );
      if (instanceWeight > 0) {
        // Instance ids as labels: a camera row's only positive is its own photo.
        const inst = batchHardTriplet(
          e,
          instanceIds,
          n,
          config.output,
          config.margin,
          gradInstance,
          tripletWs,
        );
        for (let i = 0; i < n * config.output; i++) gradE[i] += instanceWeight * gradInstance[i];
        instanceLoss += inst.loss;
      }
      backward(head, gradE, n, ws, grads);
      adam.step(grads);
      loss += result.loss;
      active += result.active;
      anchors += result.anchors;
    }
    const catalog = embedAll(head, data.valCatalog.features);
    const scores = validate(
      embedAll(head, data.valQueries.features),
      data.valQueries.labels,
      catalog,
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
    if (instanceWeight > 0) entry.instanceLoss = round(instanceLoss / config.batchesPerEpoch);
    if (data.valCamera) {
      const camera = embedAll(head, data.valCamera.features);
      entry.valInstanceR1 = round(
        instanceRecallAt1(camera, catalog, config.output, data.valCamera.originals),
      );
    }
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
