/** Finds catalog photos (JPEG, PNG, WebP) in a folder, recursively, in a stable order. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { itemId } from './metadata.ts';

const IMAGE_FILE = /\.(jpe?g|png|webp)$/i;

export interface ImageFile {
  id: string;
  path: string;
}

export interface ScanResult {
  images: ImageFile[];
  /** Files whose id another file already took (the first in path order wins). */
  duplicates: ImageFile[];
}

export function scanImages(dir: string): ScanResult {
  const paths: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && IMAGE_FILE.test(entry.name)) paths.push(path);
    }
  };
  walk(dir);
  paths.sort();
  const seen = new Set<string>();
  const images: ImageFile[] = [];
  const duplicates: ImageFile[] = [];
  for (const path of paths) {
    const file = { id: itemId(path), path };
    if (seen.has(file.id)) duplicates.push(file);
    else {
      seen.add(file.id);
      images.push(file);
    }
  }
  // Index order is id order, so the same set of photos always yields the same shards.
  images.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { images, duplicates };
}
