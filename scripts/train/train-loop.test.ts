import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeCameraQuery } from '../lib/camera-queries.ts';
import { colourHistogramOf, COLOUR_HISTOGRAM_DIM } from '../lib/colour-histogram.ts';
import { loadLabelledPhotos, NON_LABELS, type LabelledPhoto } from '../lib/dataset.ts';
import { seededRandom } from '../lib/seeded-random.ts';
import { splitPhotos } from '../lib/split.ts';
import { embedAll } from './head.ts';
import { trainHead, type TrainConfig } from './train-loop.ts';
import { validate } from './validate.ts';
import { demoDataset } from '../lib/cli.ts';

// A small real problem: colour histograms of 400 shared photos (cheap features, real labels).
const photos = loadLabelledPhotos(demoDataset).slice(0, 400);
const split = splitPhotos(photos, { mode: 'photographer', queryFraction: 0.25, seed: 1 });

async function rows(list: LabelledPhoto[]) {
  const features = new Float32Array(list.length * COLOUR_HISTOGRAM_DIM);
  for (const [i, p] of list.entries()) {
    features.set(await colourHistogramOf(readFileSync(p.path)), i * COLOUR_HISTOGRAM_DIM);
  }
  return { features, labels: list.map((p) => p.label) };
}

const config: TrainConfig = {
  hidden: 16,
  output: 8,
  p: 6,
  k: 4,
  maxEpochs: 8,
  batchesPerEpoch: 5,
  lr: 3e-3,
  weightDecay: 1e-4,
  margin: 0.2,
  patience: 3,
  seed: 5,
};

describe('trainHead on a small real problem', async () => {
  const data = {
    dim: COLOUR_HISTOGRAM_DIM,
    train: await rows(split.catalog.filter((p) => !NON_LABELS.has(p.label))),
    valQueries: await rows(split.queries),
    valCatalog: await rows(split.catalog),
  };

  it('gives the same validation curve and weights for the same seed', () => {
    const a = trainHead(data, config);
    const b = trainHead(data, config);
    expect(b.history).toEqual(a.history);
    expect(b.head.w1).toEqual(a.head.w1);
    expect(a.history.length).toBeGreaterThan(1);
    const c = trainHead(data, { ...config, seed: 6 });
    expect(c.history).not.toEqual(a.history);
  });

  it('stays deterministic when batches draw from other views of the rows', () => {
    // A second view: the histograms of the mirrored photos would be identical, so scale instead.
    const other = data.train.features.map((v) => v * 0.9);
    const a = trainHead({ ...data, trainViews: [other] }, config);
    const b = trainHead({ ...data, trainViews: [other] }, config);
    expect(b.history).toEqual(a.history);
    expect(a.history).not.toEqual(trainHead(data, config).history);
  });

  it('adds an instance loss over camera views and reports validation instance R@1', async () => {
    // Camera views for the first 40 training photos (the rest have none).
    const trainPhotos = split.catalog.filter((p) => !NON_LABELS.has(p.label));
    const features = new Float32Array(data.train.features.length);
    const has = new Uint8Array(trainPhotos.length);
    for (const [i, p] of trainPhotos.slice(0, 40).entries()) {
      const { jpeg } = await makeCameraQuery(readFileSync(p.path), seededRandom(i));
      features.set(await colourHistogramOf(jpeg), i * COLOUR_HISTOGRAM_DIM);
      has[i] = 1;
    }
    // Validation queries: camera shots of the first 10 validation catalog photos.
    const valShots = new Float32Array(10 * COLOUR_HISTOGRAM_DIM);
    for (const [i, p] of split.catalog.slice(0, 10).entries()) {
      const { jpeg } = await makeCameraQuery(readFileSync(p.path), seededRandom(100 + i));
      valShots.set(await colourHistogramOf(jpeg), i * COLOUR_HISTOGRAM_DIM);
    }
    const valCamera = { features: valShots, originals: [...Array(10).keys()] };
    const withInstance = { ...data, trainCamera: { features, has }, valCamera };
    const a = trainHead(withInstance, { ...config, instanceWeight: 1 });
    expect(trainHead(withInstance, { ...config, instanceWeight: 1 }).history).toEqual(a.history);
    for (const e of a.history) expect(e.instanceLoss).toBeGreaterThanOrEqual(0);
    // The best epoch's R@1 is what its weights give, counted here without validate.ts.
    const shots = embedAll(a.head, valShots);
    const catalog = embedAll(a.head, data.valCatalog.features);
    const hits = valCamera.originals.filter((original, q) => {
      const scores = Array.from({ length: catalog.length / config.output }, (_, i) =>
        shots
          .subarray(q * config.output, (q + 1) * config.output)
          .reduce((sum, v, j) => sum + v * catalog[i * config.output + j], 0),
      );
      return scores.indexOf(Math.max(...scores)) === original;
    }).length;
    expect(a.best.valInstanceR1).toBeCloseTo(hits / 10, 4);
    expect(a.history.some((e) => (e.instanceLoss ?? 0) > 0)).toBe(true);
    expect(a.history).not.toEqual(trainHead({ ...data, valCamera }, config).history);
  });

  it('logs loss and active triplets, and returns the best epoch weights', () => {
    const logged: number[] = [];
    const result = trainHead(data, config, (e) => logged.push(e.epoch));
    expect(logged).toEqual(result.history.map((e) => e.epoch));
    for (const e of result.history) {
      expect(e.loss).toBeGreaterThan(0);
      expect(e.active).toBeGreaterThan(0);
      expect(e.active).toBeLessThanOrEqual(1);
    }
    const best = Math.max(...result.history.map((e) => e.valMapAt10));
    expect(result.best.valMapAt10).toBe(best);
    // The returned weights are the best epoch's, not the last one's.
    const again = validate(
      embedAll(result.head, data.valQueries.features),
      data.valQueries.labels,
      embedAll(result.head, data.valCatalog.features),
      data.valCatalog.labels,
      config.output,
    );
    expect(again.mapAt10).toBeCloseTo(result.best.valMapAt10, 5);
  });

  it('stops early once validation has not improved for `patience` epochs', () => {
    const result = trainHead(data, { ...config, maxEpochs: 40, patience: 2 });
    const last = result.history[result.history.length - 1];
    if (result.history.length < 40) expect(last.epoch - result.best.epoch).toBe(2);
    else expect(result.best.epoch).toBeGreaterThan(37);
  });
});
