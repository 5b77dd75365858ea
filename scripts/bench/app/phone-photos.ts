/**
 * Phone-size copies of catalog photos for the e2e bench: what a shopper picks from a camera roll
 * is a 12 MP JPEG (4032 × 3024), not the catalog's 400 × 534. Each copy is the photo scaled up,
 * with sensor-like noise (so it compresses like a photo, about 3 MB at quality 90), and every
 * fourth one stored sideways with an EXIF orientation tag, as phones do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { seededRandom } from '../../lib/seeded-random.ts';
import { photosDir } from '../paths.ts';

/** The long and short side of a 12 MP phone photo. */
const LONG = 4032;
const SHORT = 3024;
/** Noise amplitude, levels either side: enough that the JPEG carries detail everywhere. */
const NOISE = 12;

/** Writes a phone-size copy of each of `names` (files of the shared set) into `dir`; their paths. */
export async function makePhonePhotos(names: string[], dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(7);
  const paths: string[] = [];
  for (const [i, name] of names.entries()) {
    const source = sharp(resolve(photosDir, name));
    const { width = 1, height = 1 } = await source.metadata();
    const [w, h] = width >= height ? [LONG, SHORT] : [SHORT, LONG];
    const pixels = await source.resize(w, h, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    for (let p = 0; p < pixels.length; p++) {
      pixels[p] = Math.max(0, Math.min(255, pixels[p] + Math.round((random() * 2 - 1) * NOISE)));
    }
    let image = sharp(pixels, { raw: { width: w, height: h, channels: 3 } });
    // Stored turned a quarter to the left; orientation 6 tells the reader to turn it back.
    if (i % 4 === 3) image = image.rotate(270).withMetadata({ orientation: 6 });
    const path = join(dir, name.replace(/\.[^.]+$/, '.jpg'));
    writeFileSync(path, await image.jpeg({ quality: 90 }).toBuffer());
    paths.push(path);
  }
  return paths;
}
