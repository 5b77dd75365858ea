/**
 * The P x K batch sampler for metric learning: P different labels, K photos each, so every
 * anchor has positives and negatives in its batch. Seeded; each label cycles through its photos.
 */
import { shuffle, type Random } from '../lib/seeded-random.ts';

export class PkSampler {
  readonly #pools: number[][];
  readonly #cursor: number[];
  readonly #random: Random;
  readonly p: number;
  readonly k: number;

  /** `labels[i]` is photo i's label id; labels with fewer than 2 photos cannot form positives. */
  constructor(labels: ArrayLike<number>, p: number, k: number, random: Random) {
    if (p < 2 || k < 2) throw new RangeError(`PkSampler needs P >= 2 and K >= 2, got ${p}x${k}`);
    const byLabel = new Map<number, number[]>();
    for (let i = 0; i < labels.length; i++) {
      byLabel.set(labels[i], [...(byLabel.get(labels[i]) ?? []), i]);
    }
    this.#pools = [...byLabel.entries()]
      .filter(([, items]) => items.length >= 2)
      .sort((a, b) => a[0] - b[0])
      .map(([, items]) => shuffle(items, random));
    if (this.#pools.length < 2) throw new RangeError('PkSampler needs two labels with 2+ photos');
    this.#cursor = this.#pools.map(() => 0);
    this.#random = random;
    this.p = Math.min(p, this.#pools.length);
    this.k = k;
  }

  /** Photo indices of the next batch, grouped by label (at most P*K). */
  next(): number[] {
    const labels = shuffle(
      this.#pools.map((_, i) => i),
      this.#random,
    ).slice(0, this.p);
    const batch: number[] = [];
    for (const label of labels) {
      const pool = this.#pools[label];
      const start = batch.length;
      const want = Math.min(this.k, pool.length);
      while (batch.length - start < want) {
        if (this.#cursor[label] === pool.length) {
          shuffle(pool, this.#random);
          this.#cursor[label] = 0;
        }
        const item = pool[this.#cursor[label]++];
        // A reshuffle mid-batch may bring back a photo this batch already holds.
        if (!batch.includes(item, start)) batch.push(item);
      }
    }
    return batch;
  }
}
