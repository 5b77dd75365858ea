import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeCameraQuery } from './camera-queries.ts';
import { seededRandom } from './seeded-random.ts';

const photo = readFileSync(
  resolve(
    import.meta.dirname,
    '../../../shared/datasets/clothing/images/ea7b6656-3f84-4eb3-9099-23e623fc1018.jpg',
  ),
);

describe('makeCameraQuery on a real photo', () => {
  it('gives the same JPEG for the same seed and another for another seed', async () => {
    const a = await makeCameraQuery(photo, seededRandom(3));
    const b = await makeCameraQuery(photo, seededRandom(3));
    const c = await makeCameraQuery(photo, seededRandom(4));
    expect(Buffer.compare(a.jpeg, b.jpeg)).toBe(0);
    expect(a.effects).toEqual(b.effects);
    expect(Buffer.compare(a.jpeg, c.jpeg)).not.toBe(0);
  });

  it('writes a JPEG whose tag a correct reader follows to an upright portrait frame', async () => {
    const original = await sharp(photo).rotate().metadata();
    expect(original.autoOrient.height).toBeGreaterThan(original.autoOrient.width);
    let sideways = 0;
    for (let seed = 0; seed < 16; seed++) {
      const query = await makeCameraQuery(photo, seededRandom(seed));
      const meta = await sharp(query.jpeg).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.orientation ?? 1).toBe(query.orientation);
      // A reader that honours the tag sees a portrait photo, like the original.
      expect(meta.autoOrient.height).toBeGreaterThan(meta.autoOrient.width);
      if (query.orientation === 6 || query.orientation === 8) {
        sideways++;
        // ...while the stored pixels lie on their side.
        expect(meta.width).toBeGreaterThan(meta.height);
      }
      expect(Math.min(meta.autoOrient.width, meta.autoOrient.height)).toBeGreaterThanOrEqual(160);
    }
    expect(sideways).toBeGreaterThan(0);
  });

  it('stores sideways pixels whose tag turns them upright again', async () => {
    let seed = 0;
    let query = await makeCameraQuery(photo, seededRandom(seed));
    while (query.orientation === 1) query = await makeCameraQuery(photo, seededRandom(++seed));
    // The same query without the final turn: reorient the tagged JPEG and compare thumbnails.
    const tiny = (image: Sharp) =>
      image.resize(12, 16, { fit: 'fill' }).greyscale().raw().toBuffer();
    const upright = await tiny(sharp(query.jpeg).rotate());
    const ignored = await tiny(sharp(query.jpeg).rotate(0));
    const original = await tiny(sharp(photo).rotate());
    const distance = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0);
    expect(distance(upright, original)).toBeLessThan(distance(ignored, original));
  });
});
