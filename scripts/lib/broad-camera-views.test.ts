import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeBroadView } from './broad-camera-views.ts';
import { seededRandom } from './seeded-random.ts';
import { parsePairViews } from './whitening-pairs.ts';

const photo = readFileSync(
  resolve(
    import.meta.dirname,
    '../../../shared/datasets/clothing/images/ea7b6656-3f84-4eb3-9099-23e623fc1018.jpg',
  ),
);

describe('makeBroadView on a real photo', () => {
  it('gives the same JPEG for the same seed and another for another seed', async () => {
    const a = await makeBroadView(photo, seededRandom(3));
    const b = await makeBroadView(photo, seededRandom(3));
    const c = await makeBroadView(photo, seededRandom(4));
    expect(Buffer.compare(a, b)).toBe(0);
    expect(Buffer.compare(a, c)).not.toBe(0);
  });

  it('writes upright JPEGs with a short side of 96 to 500 px', async () => {
    for (let seed = 0; seed < 8; seed++) {
      const meta = await sharp(await makeBroadView(photo, seededRandom(seed))).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.orientation ?? 1).toBe(1);
      expect(Math.min(meta.width, meta.height)).toBeGreaterThanOrEqual(96);
      expect(Math.min(meta.width, meta.height)).toBeLessThanOrEqual(500);
    }
  });
});

describe('parsePairViews', () => {
  it('reads family:seed lists, a bare seed being a camera view', () => {
    expect(parsePairViews('1,broad:2')).toEqual([
      { family: 'camera', seed: 1 },
      { family: 'broad', seed: 2 },
    ]);
    expect(() => parsePairViews('eval:1')).toThrow(RangeError);
  });
});
