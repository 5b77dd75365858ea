/** Scan stage: the photos to index, in id order, with their metadata rows and content hashes. */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { readMetadata } from '../../lib/metadata.ts';
import { IMAGE_TYPES, scanImages, type ImageFile } from '../../lib/scan-images.ts';
import { sha256 } from '../../lib/catalog-files.ts';

export interface ScannedPhoto {
  file: ImageFile;
  /** sha256 of the file: the caches are keyed by content, not by name or date. */
  hash: string;
}

export interface Scan {
  photos: ScannedPhoto[];
  /** Files whose id an earlier file already took. */
  duplicates: ImageFile[];
  /** Metadata rows by item id (empty without a metadata file). */
  meta: Map<string, Record<string, string>>;
}

export async function scan(images: string, metaFile?: string): Promise<Scan> {
  if (!existsSync(images) || !statSync(images).isDirectory()) {
    throw new Error(`no photo folder at ${images}: pass --images DIR (a folder of ${IMAGE_TYPES})`);
  }
  const found = scanImages(images);
  if (!found.images.length) {
    throw new Error(`no photos in ${images}: looked for ${IMAGE_TYPES}, in subfolders too`);
  }
  const meta = metaFile ? readMetadata(metaFile) : new Map<string, Record<string, string>>();
  const photos = await Promise.all(
    found.images.map(async (file) => ({ file, hash: sha256(await readFile(file.path)) })),
  );
  return { photos, duplicates: found.duplicates, meta };
}
