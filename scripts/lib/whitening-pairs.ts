/**
 * Matched pairs for learned whitening: each training photo's descriptor and the descriptor of a
 * camera-style view of it from the training-side generator (camera-queries.ts, its own seed
 * stream). The products that the evaluation and the validation turn into camera queries are left
 * out, as for the instance loss, so both instance recalls stay measured on unseen products.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeBroadView } from './broad-camera-views.ts';
import { makeCameraQuery } from './camera-queries.ts';
import type { LabelledPhoto } from './dataset.ts';
import { decodeImageNode } from './decode-node.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { DEFAULT_INSTANCE_QUERIES, instancePicks } from './instance-queries.ts';
import type { NodeModel } from './node-model-type.ts';
import { ProgressBar } from './progress.ts';
import { deriveSeed, seededRandom, type Random } from './seeded-random.ts';
import { DEFAULT_SPLIT } from './split.ts';
import type { TrainingSplit } from './training-split.ts';

/**
 * The training-side view families a pair may come from, each with its own seed namespace (never
 * a stream the evaluation or validation queries use) and the source file whose hash keys its cache.
 */
export const PAIR_FAMILIES = {
  camera: {
    stream: 'whitening-camera',
    source: 'camera-queries.ts',
    make: async (bytes: Buffer, random: Random) => (await makeCameraQuery(bytes, random)).jpeg,
  },
  broad: { stream: 'whitening-broad', source: 'broad-camera-views.ts', make: makeBroadView },
} as const;
export type PairFamily = keyof typeof PAIR_FAMILIES;

/** One pair view: a family and a seed. */
export interface PairView {
  family: PairFamily;
  seed: number;
}

/** `camera:1,broad:1,broad:2` (a bare seed means the camera family) → pair views. */
export function parsePairViews(list: string): PairView[] {
  return list.split(',').map((item) => {
    const [family, seed] = item.includes(':') ? item.split(':') : ['camera', item];
    if (!(family in PAIR_FAMILIES) || !Number.isFinite(Number(seed))) {
      throw new RangeError(`unknown pair view ${item}: use camera:N or broad:N`);
    }
    return { family: family as PairFamily, seed: Number(seed) };
  });
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/**
 * Training photos whose products are nobody's camera query: not the evaluation's (its default
 * sample) and not the validation's (`validationQueries` of the validation catalog).
 */
export function pairPhotos(split: TrainingSplit, validationQueries: number): LabelledPhoto[] {
  const picked = (catalog: LabelledPhoto[], count: number, seed: number) =>
    instancePicks(catalog, count, seed).map((i) => catalog[i].id);
  const excluded = new Set([
    ...picked(split.evaluation.catalog, DEFAULT_INSTANCE_QUERIES, DEFAULT_SPLIT.seed),
    ...picked(split.valCatalog, validationQueries, deriveSeed(DEFAULT_SPLIT.seed, 'validation')),
  ]);
  return split.train.filter((p) => !excluded.has(p.id));
}

export interface DescriptorPairs {
  /** count x dim: the photos' descriptors. */
  anchors: Float32Array;
  /** count x dim: their camera views' descriptors, row by row. */
  positives: Float32Array;
}

/**
 * Descriptors of every photo and of one view per photo and pair view (anchors repeat per view).
 * Cached per model, keyed by photo content, family, seed and the generator's source. Plain seeds
 * are camera-family views, as before.
 */
export async function pairDescriptors(
  model: NodeModel,
  photos: readonly LabelledPhoto[],
  pairViews: readonly (number | PairView)[],
  cacheDir: string,
): Promise<DescriptorPairs> {
  const { dim } = model;
  const seeds = pairViews.map((v) =>
    typeof v === 'number' ? { family: 'camera' as const, seed: v } : v,
  );
  const generators = Object.fromEntries(
    Object.entries(PAIR_FAMILIES).map(([name, f]) => [
      name,
      sha256(readFileSync(join(import.meta.dirname, f.source))),
    ]),
  );
  const file = `${model.spec.id}-${model.spec.sha256.slice(0, 16)}-pairs.bin`;
  const cache = new EmbeddingCache(join(cacheDir, file), dim);
  const anchors = new Float32Array(photos.length * seeds.length * dim);
  const positives = new Float32Array(anchors.length);
  const bar = new ProgressBar(`whitening pairs (${model.spec.id})`, photos.length);
  for (let start = 0; start < photos.length; start += 16) {
    const chunk = await Promise.all(
      photos.slice(start, start + 16).map(async (photo) => {
        const bytes = await readFile(photo.path);
        return { photo, bytes, hash: sha256(bytes) };
      }),
    );
    const jobs = chunk.flatMap((c, i) => [
      {
        key: c.hash,
        make: async () => c.bytes,
        rows: seeds.map((_, s) => ({ s, i, anchor: true })),
      },
      ...seeds.map(({ family, seed }, s) => ({
        key: sha256(`${c.hash}:${PAIR_FAMILIES[family].stream}:${seed}:${generators[family]}`),
        make: async () => {
          const { stream, make } = PAIR_FAMILIES[family];
          const random = seededRandom(deriveSeed(seed, `${stream}:${c.photo.id}`));
          return make(Buffer.from(c.bytes), random);
        },
        rows: [{ s, i, anchor: false }],
      })),
    ]);
    const todo = jobs.filter((j) => !cache.get(j.key));
    if (todo.length) {
      const images = await Promise.all(todo.map(async (j) => decodeImageNode(await j.make())));
      const vectors = await model.embedImages(images);
      todo.forEach((j, k) => cache.set(j.key, vectors.subarray(k * dim, (k + 1) * dim)));
    }
    for (const job of jobs) {
      for (const { s, i, anchor } of job.rows) {
        const row = (s * photos.length + start + i) * dim;
        (anchor ? anchors : positives).set(cache.get(job.key)!, row);
      }
    }
    bar.tick(chunk.length);
    if ((start / 16) % 20 === 19) cache.save();
  }
  bar.finish();
  cache.save();
  return { anchors, positives };
}
