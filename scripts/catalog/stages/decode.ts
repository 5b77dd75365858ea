/** Decode stage: reads a photo, decodes it for the models, and makes its thumbnail and colour. */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { dominantColour } from '../../../src/shared/catalog/colour.ts';
import { decodeImageNode, type DecodedImage } from '../../lib/node-model.ts';
import type { DerivedCache } from '../derived-cache.ts';
import type { CatalogPhoto } from '../photo-caches.ts';

/** The longest side of a catalog thumbnail, px. */
export const THUMB_SIDE = 256;

export interface SkippedPhoto {
  path: string;
  reason: string;
}

export async function makeThumbnail(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes)
    .rotate()
    .resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 72, effort: 2 })
    .toBuffer();
}

/**
 * The photo's upright pixels; fills in its thumbnail and colour (and caches them) when the
 * cache had none. Throws when the file does not decode.
 */
export async function decodePhoto(photo: CatalogPhoto, cache: DerivedCache): Promise<DecodedImage> {
  const bytes = await readFile(photo.file.path);
  const [image, thumb] = await Promise.all([
    decodeImageNode(bytes),
    photo.thumb ? Promise.resolve(photo.thumb) : makeThumbnail(bytes),
  ]);
  if (!photo.colour) {
    photo.colour = dominantColour(image.data, image.width, image.height);
    photo.thumb = thumb;
    cache.set(photo.hash, { colour: photo.colour, thumb });
  }
  return image;
}

/** Decodes a batch; an unreadable photo becomes null and an entry in `skipped`. */
export function decodeBatch(
  batch: readonly CatalogPhoto[],
  cache: DerivedCache,
  skipped: SkippedPhoto[],
): Promise<(DecodedImage | null)[]> {
  return Promise.all(
    batch.map((photo) =>
      decodePhoto(photo, cache).catch((error: unknown) => {
        skipped.push({ path: photo.file.path, reason: (error as Error).message });
        return null;
      }),
    ),
  );
}
