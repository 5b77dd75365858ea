import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from './scan.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'catalog-scan-'));

describe('scan stage', () => {
  it('lists photos in id order with their content hash and metadata rows', async () => {
    const root = folder();
    mkdirSync(join(root, 'photos'));
    writeFileSync(join(root, 'photos', 'b.jpg'), 'bee');
    writeFileSync(join(root, 'photos', 'a.png'), 'ay');
    writeFileSync(join(root, 'meta.csv'), 'id,label\na,Hat\nb,Dress\n');
    const { photos, meta, duplicates } = await scan(join(root, 'photos'), join(root, 'meta.csv'));
    expect(photos.map((p) => p.file.id)).toEqual(['a', 'b']);
    expect(photos[0].hash).toBe(createHash('sha256').update('ay').digest('hex'));
    expect(meta.get('b')).toEqual({ label: 'Dress' });
    expect(duplicates).toEqual([]);
  });

  it('finds the photos of a symlinked folder', async () => {
    const root = folder();
    mkdirSync(join(root, 'real'));
    writeFileSync(join(root, 'real', 'a.jpg'), 'ay');
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expect((await scan(join(root, 'link'))).photos.map((p) => p.file.id)).toEqual(['a']);
  });

  it('fails naming the folder and the accepted types when it finds no photo', async () => {
    const root = folder();
    writeFileSync(join(root, 'notes.txt'), 'no photos here');
    await expect(scan(root)).rejects.toThrow(
      `no photos in ${root}: looked for JPEG, PNG or WebP photos (.jpg, .jpeg, .png, .webp)`,
    );
    await expect(scan(join(root, 'nope'))).rejects.toThrow(/no photo folder at .*nope/);
  });
});
