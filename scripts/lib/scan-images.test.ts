import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { scanImages } from './scan-images.ts';

it('follows symlinked photos and folders, each real folder once, and skips dangling links', () => {
  const root = mkdtempSync(join(tmpdir(), 'scan-images-'));
  const real = join(root, 'real');
  mkdirSync(join(real, 'inner'), { recursive: true });
  for (const name of ['a.jpg', 'inner/b.PNG', 'notes.txt']) writeFileSync(join(real, name), name);
  const library = join(root, 'library');
  mkdirSync(library);
  symlinkSync(real, join(library, 'linked-folder'));
  symlinkSync(join(real, 'a.jpg'), join(library, 'c.webp'));
  symlinkSync(join(root, 'missing.jpg'), join(library, 'dangling.jpg'));
  // A link back up the tree: followed once, never round and round.
  symlinkSync(library, join(real, 'inner', 'loop'));
  copyFileSync(join(real, 'a.jpg'), join(library, '.hidden.jpg'));

  const { images, duplicates } = scanImages(library);
  expect(images.map((i) => [i.id, i.path.slice(library.length + 1)])).toEqual([
    ['a', 'linked-folder/a.jpg'],
    ['b', 'linked-folder/inner/b.PNG'],
    ['c', 'c.webp'],
  ]);
  expect(duplicates).toEqual([]);
});

it('reports a second file with a taken id as a duplicate', () => {
  const root = mkdtempSync(join(tmpdir(), 'scan-images-'));
  mkdirSync(join(root, 'x'));
  writeFileSync(join(root, 'x', 'same.jpg'), '1');
  writeFileSync(join(root, 'same.png'), '2');
  const { images, duplicates } = scanImages(root);
  expect(images.map((i) => i.path)).toEqual([join(root, 'same.png')]);
  expect(duplicates.map((i) => i.path)).toEqual([join(root, 'x', 'same.jpg')]);
});
