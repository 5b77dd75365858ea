/**
 * Picks how much raw backbone feature to blend into the head's embedding, on validation: for each
 * candidate weight, label mAP@10 of the validation queries and instance R@1 of camera-style
 * queries made from validation-catalog photos. The smallest weight whose instance R@1 clearly
 * matches the raw backbone's wins (a category-trained head blurs products of one kind together).
 */
import { normalizeVectors } from '../../src/shared/catalog/quantise.ts';
import { blendEmbeddings } from './blend.ts';
import type { HeadWeights } from '../lib/head-weights.ts';
import { embedAll } from './head.ts';
import { instanceRecallAt1, validate } from './validate.ts';

export interface BlendRows {
  /** Head input features of validation queries, validation catalog and camera queries. */
  features: { queries: Float32Array; catalog: Float32Array; camera: Float32Array };
  /** Raw pooled vectors of the blend layer for the same rows. */
  raw: { queries: Float32Array; catalog: Float32Array; camera: Float32Array };
  rawDim: number;
  queryLabels: string[];
  catalogLabels: string[];
  /** Catalog row of each camera query's original. */
  originals: number[];
}

export interface BlendScore {
  weight: number;
  valMapAt10: number;
  instanceRecallAt1: number;
}

const unit = (rows: Float32Array, dim: number) => normalizeVectors(rows.slice(), dim);

export function scoreBlends(
  head: HeadWeights,
  rows: BlendRows,
  weights: readonly number[],
): { raw: BlendScore; blends: BlendScore[] } {
  const out = head.shape.output;
  const h = {
    queries: embedAll(head, rows.features.queries),
    catalog: embedAll(head, rows.features.catalog),
    camera: embedAll(head, rows.features.camera),
  };
  const rawUnit = {
    queries: unit(rows.raw.queries, rows.rawDim),
    catalog: unit(rows.raw.catalog, rows.rawDim),
    camera: unit(rows.raw.camera, rows.rawDim),
  };
  const score = (weight: number, e: typeof h, dim: number): BlendScore => ({
    weight,
    valMapAt10: validate(e.queries, rows.queryLabels, e.catalog, rows.catalogLabels, dim).mapAt10,
    instanceRecallAt1: instanceRecallAt1(e.camera, e.catalog, dim, rows.originals),
  });
  const blends = weights.map((weight) => {
    if (weight === 0) return score(0, h, out);
    const blend = (part: keyof typeof h) =>
      blendEmbeddings(h[part], out, rows.raw[part], rows.rawDim, weight);
    const e = { queries: blend('queries'), catalog: blend('catalog'), camera: blend('camera') };
    return score(weight, e, out + rows.rawDim);
  });
  return { raw: score(Infinity, rawUnit, rows.rawDim), blends };
}

/**
 * The smallest weight whose instance R@1 beats the raw backbone's by two standard errors (so
 * sampling noise on `queries` camera queries cannot hide a loss), else the best instance R@1.
 */
export function chooseBlend(
  raw: BlendScore,
  blends: readonly BlendScore[],
  queries: number,
): BlendScore {
  const p = raw.instanceRecallAt1;
  const bar = p + 2 * Math.sqrt((p * (1 - p)) / Math.max(1, queries));
  const enough = blends.filter((b) => b.instanceRecallAt1 >= bar);
  if (enough.length) return enough.reduce((a, b) => (b.weight < a.weight ? b : a));
  return blends.reduce((a, b) => (b.instanceRecallAt1 > a.instanceRecallAt1 ? b : a));
}
