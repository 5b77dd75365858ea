/**
 * Trains the head: P x K batches, batch-hard triplet loss, AdamW, one validation per epoch, early
 * stopping that restores the best weights. Deterministic for a seed (plain float loops, seeded
 * init and sampling).
 */
import { deriveSeed, seededRandom } from '../lib/seeded-random.ts';
import { Adam } from '../lib/adam.ts';
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
  const run = prepareTraining(data, config);
  const params = trainable(run.head);
  const history: EpochLog[] = [];
  let best: EpochLog | null = null;
  let bestWeights = params.map((p) => p.slice());
  for (let epoch = 1; epoch <= config.maxEpochs; epoch++) {
    const { instanceLoss, ...losses } = trainEpoch(run, data, config);
    const { valInstanceR1, ...scores } = validateEpoch(run.head, data, config);
    // Keys in the training log's order.
    const entry: EpochLog = { epoch, ...losses, ...scores };
    if (instanceLoss !== undefined) entry.instanceLoss = instanceLoss;
    if (valInstanceR1 !== undefined) entry.valInstanceR1 = valInstanceR1;
    history.push(entry);
    log(entry);
    if (!best || entry.valMapAt10 > best.valMapAt10) {
      best = entry;
      bestWeights = params.map((p) => p.slice());
    } else if (epoch - best.epoch >= config.patience) break;
  }
  params.forEach((p, i) => p.set(bestWeights[i]));
  return { head: run.head, history, best: best! };
}

/** The head, its optimiser, the seeded samplers and the buffers every batch reuses. */
interface TrainingRun {
  head: HeadWeights;
  labels: Int32Array;
  grads: Float32Array[];
  adam: Adam;
  sampler: PkSampler;
  instanceWeight: number;
  ws: HeadWorkspace;
  tripletWs: TripletWorkspace;
  batchFeatures: Float32Array;
  batchLabels: Int32Array;
  instanceIds: Int32Array;
  gradE: Float32Array;
  gradInstance: Float32Array;
  views: Float32Array[];
  pickView: () => number;
}

function prepareTraining(data: TrainData, config: TrainConfig): TrainingRun {
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
  const sampler = new PkSampler(
    labels,
    config.p,
    config.k,
    seededRandom(deriveSeed(config.seed, 'batches')),
  );
  const instanceWeight = data.trainCamera ? (config.instanceWeight ?? 0) : 0;
  // With the instance loss every photo may bring its camera view: up to twice the rows.
  const rows = sampler.p * config.k * (instanceWeight > 0 ? 2 : 1);
  return {
    head,
    labels,
    grads: params.map((p) => new Float32Array(p.length)),
    adam: new Adam(params, { lr: config.lr, weightDecay: config.weightDecay }),
    sampler,
    instanceWeight,
    ws: new HeadWorkspace(shape, rows),
    tripletWs: new TripletWorkspace(rows),
    batchFeatures: new Float32Array(rows * dim),
    batchLabels: new Int32Array(rows),
    instanceIds: new Int32Array(rows),
    gradE: new Float32Array(rows * config.output),
    gradInstance: new Float32Array(rows * config.output),
    views: [train.features, ...(data.trainViews ?? [])],
    pickView: seededRandom(deriveSeed(config.seed, 'views')),
  };
}

/** One epoch of batches; returns the epoch's mean losses and share of active anchors. */
function trainEpoch(
  run: TrainingRun,
  data: TrainData,
  config: TrainConfig,
): Pick<EpochLog, 'loss' | 'active' | 'instanceLoss'> {
  let loss = 0;
  let instanceLoss = 0;
  let active = 0;
  let anchors = 0;
  for (let b = 0; b < config.batchesPerEpoch; b++) {
    const n = fillBatch(run, data);
    const e = forward(run.head, run.batchFeatures, n, run.ws);
    const { output, margin } = config;
    const result = batchHardTriplet(
      e,
      run.batchLabels,
      n,
      output,
      margin,
      run.gradE,
      run.tripletWs,
    );
    if (run.instanceWeight > 0) {
      // Instance ids as labels: a camera row's only positive is its own photo.
      const inst = batchHardTriplet(
        e,
        run.instanceIds,
        n,
        output,
        margin,
        run.gradInstance,
        run.tripletWs,
      );
      for (let i = 0; i < n * output; i++) run.gradE[i] += run.instanceWeight * run.gradInstance[i];
      instanceLoss += inst.loss;
    }
    backward(run.head, run.gradE, n, run.ws, run.grads);
    run.adam.step(run.grads);
    loss += result.loss;
    active += result.active;
    anchors += result.anchors;
  }
  return {
    loss: round(loss / config.batchesPerEpoch),
    active: round(active / Math.max(1, anchors)),
    ...(run.instanceWeight > 0 && { instanceLoss: round(instanceLoss / config.batchesPerEpoch) }),
  };
}

/** Fills the batch buffers with the next P x K photos (each from a random view), plus their
 * camera views with the instance loss; returns the row count. */
function fillBatch(run: TrainingRun, data: TrainData): number {
  const { dim } = data;
  const { views, labels } = run;
  const batch = run.sampler.next();
  let n = 0;
  const add = (source: Float32Array, item: number, id: number) => {
    run.batchFeatures.set(source.subarray(item * dim, (item + 1) * dim), n * dim);
    run.batchLabels[n] = labels[item];
    run.instanceIds[n++] = id;
  };
  batch.forEach((item, r) => {
    const view = views.length > 1 ? views[Math.floor(run.pickView() * views.length)] : views[0];
    add(view, item, r);
  });
  if (run.instanceWeight > 0) {
    batch.forEach((item, r) => {
      if (data.trainCamera!.has[item]) add(data.trainCamera!.features, item, r);
    });
  }
  return n;
}

/** Validation mAP@10 and P@5, and the camera queries' instance R@1 when there are some. */
function validateEpoch(
  head: HeadWeights,
  data: TrainData,
  config: TrainConfig,
): Pick<EpochLog, 'valMapAt10' | 'valPAt5' | 'valInstanceR1'> {
  const catalog = embedAll(head, data.valCatalog.features);
  const scores = validate(
    embedAll(head, data.valQueries.features),
    data.valQueries.labels,
    catalog,
    data.valCatalog.labels,
    config.output,
  );
  if (!data.valCamera) return { valMapAt10: round(scores.mapAt10), valPAt5: round(scores.pAt5) };
  const camera = embedAll(head, data.valCamera.features);
  return {
    valMapAt10: round(scores.mapAt10),
    valPAt5: round(scores.pAt5),
    valInstanceR1: round(
      instanceRecallAt1(camera, catalog, config.output, data.valCamera.originals),
    ),
  };
}
