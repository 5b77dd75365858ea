import { describe, expect, it } from 'vitest';
import { seededRandom } from '../lib/seeded-random.ts';
import { PkSampler } from './pk-sampler.ts';

// Labels 0..4 with 10, 6, 3, 2 and 1 photos.
const labels = [
  ...new Array(10).fill(0),
  ...new Array(6).fill(1),
  ...new Array(3).fill(2),
  ...new Array(2).fill(3),
  4,
];

describe('PkSampler', () => {
  it('draws P labels with K distinct photos each (fewer when a label has fewer)', () => {
    const sampler = new PkSampler(labels, 3, 4, seededRandom(1));
    for (let b = 0; b < 50; b++) {
      const batch = sampler.next();
      expect(new Set(batch).size).toBe(batch.length);
      const perLabel = new Map<number, number>();
      for (const i of batch) perLabel.set(labels[i], (perLabel.get(labels[i]) ?? 0) + 1);
      expect(perLabel.size).toBe(3);
      // Label 4 has one photo: it can never give a positive, so it is never drawn.
      expect(perLabel.has(4)).toBe(false);
      for (const [label, n] of perLabel)
        expect(n).toBe(Math.min(4, label === 2 ? 3 : label === 3 ? 2 : 4));
    }
  });

  it('visits every photo of a label before repeating one', () => {
    const sampler = new PkSampler(labels, 4, 2, seededRandom(2));
    const seen = new Set<number>();
    // Every batch takes all four usable labels, 2 photos each: 5 batches cover label 0's 10 photos.
    for (let b = 0; b < 5; b++) for (const i of sampler.next()) if (labels[i] === 0) seen.add(i);
    expect(seen.size).toBe(10);
  });

  it('repeats its batches for the same seed', () => {
    const a = new PkSampler(labels, 2, 2, seededRandom(9));
    const b = new PkSampler(labels, 2, 2, seededRandom(9));
    for (let i = 0; i < 20; i++) expect(b.next()).toEqual(a.next());
  });

  it('rejects batches that cannot hold positives', () => {
    expect(() => new PkSampler(labels, 3, 1, seededRandom(1))).toThrow(RangeError);
  });
});
