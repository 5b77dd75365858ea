/**
 * The validation split's instance queries, as the validation scripts score them: camera-family
 * shots of a seeded sample of validation-catalog photos (camera-queries.ts, stream `validation`),
 * and broad-family shots of the same originals (broad-camera-views.ts, stream
 * `validation-broad`). Never the evaluation's photographers or its evaluation-only shots.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { makeBroadView } from './broad-camera-views.ts';
import { loadLabelledPhotos } from './dataset.ts';
import { instanceSet } from './instance-queries.ts';
import type { PhotoSource } from './photo-source.ts';
import { deriveSeed, seededRandom } from './seeded-random.ts';
import { DEFAULT_SPLIT } from './split.ts';
import { trainingSplit } from './training-split.ts';

/** The split of the photos in `images` (metadata beside it), and `count` shots of each family. */
export function validationShots(images: string, count: number) {
  const split = trainingSplit(
    loadLabelledPhotos({ images, meta: resolve(images, '../images.csv') }),
    DEFAULT_SPLIT,
  );
  const seed = deriveSeed(DEFAULT_SPLIT.seed, 'validation');
  const camera = instanceSet(split.valCatalog, count, seed);
  const broadShots = camera.originals.map((o): PhotoSource => ({
    load: async () => {
      const photo = split.valCatalog[o];
      const random = seededRandom(deriveSeed(seed, `validation-broad:${photo.id}`));
      return new Uint8Array(await makeBroadView(await readFile(photo.path), random));
    },
  }));
  return { split, camera, broadShots };
}
