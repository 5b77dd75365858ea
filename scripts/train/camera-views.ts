/**
 * Camera-style views of training photos for the instance loss (see camera-queries.ts), one per
 * photo from its own seeded stream, kept on disk so later runs skip the sharp work.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeCameraQuery } from '../lib/camera-queries.ts';
import type { LabelledPhoto } from '../lib/dataset.ts';
import { deriveSeed, seededRandom } from '../lib/seeded-random.ts';
import { ProgressBar } from '../lib/progress.ts';

/** Seed namespace of training views: never the streams the evaluation's queries use. */
const STREAM = 'train-camera';

export async function cameraViews(
  photos: readonly LabelledPhoto[],
  seed: number,
  cache: string,
): Promise<Uint8Array[]> {
  // The generator's source is part of the key: a changed generator makes new views.
  const generator = readFileSync(join(import.meta.dirname, '../lib/camera-queries.ts'));
  const version = createHash('sha256').update(generator).digest('hex').slice(0, 12);
  const dir = join(cache, `camera-${version}`);
  mkdirSync(dir, { recursive: true });
  const bar = new ProgressBar('training camera views', photos.length);
  const out: Uint8Array[] = [];
  for (const photo of photos) {
    const file = join(dir, `${photo.id}-${seed}.jpg`);
    if (existsSync(file)) out.push(new Uint8Array(readFileSync(file)));
    else {
      const random = seededRandom(deriveSeed(seed, `${STREAM}:${photo.id}`));
      const { jpeg } = await makeCameraQuery(await readFile(photo.path), random);
      writeFileSync(file, jpeg);
      out.push(new Uint8Array(jpeg));
    }
    bar.tick();
  }
  bar.finish();
  return out;
}
