/**
 * Finds catalog photos (JPEG, PNG, WebP) in a folder, recursively, in a stable order. Symlinked
 * photos and folders are followed (many people keep photo folders as links), each real folder
 * once, so a link back up the tree cannot loop.
 */
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { itemId } from './metadata.ts';

const IMAGE_FILE = /\.(jpe?g|png|webp)$/i;

/** The accepted photos, as messages name them. */
export const IMAGE_TYPES = 'JPEG, PNG or WebP photos (.jpg, .jpeg, .png, .webp)';

export interface ImageFile {
  id: string;
  path: string;
}

export interface ScanResult {
  images: ImageFile[];
  /** Files whose id another file already took (the first in path order wins). */
  duplicates: ImageFile[];
}

/** What a directory entry is, following a symlink; null for a dangling link. */
function kindOf(entry: Dirent, path: string): 'file' | 'folder' | null {
  if (!entry.isSymbolicLink())
    return entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : null;
  try {
    const target = statSync(path);
    return target.isDirectory() ? 'folder' : target.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

/** Paths of the photos under `dir`, visiting each real folder once. */
function photoPaths(dir: string): string[] {
  const paths: string[] = [];
  const seen = new Set<string>();
  const walk = (folder: string) => {
    const real = realpathSync(folder);
    if (seen.has(real)) return;
    seen.add(real);
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      const kind = kindOf(entry, path);
      if (kind === 'folder') walk(path);
      else if (kind === 'file' && IMAGE_FILE.test(entry.name)) paths.push(path);
    }
  };
  walk(dir);
  return paths;
}

export function scanImages(dir: string): ScanResult {
  const paths = photoPaths(dir);
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
