import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { writeGzipCopy } from './gzip-copy.ts';

const dir = mkdtempSync(join(tmpdir(), 'gzip-copy-'));
const text = Buffer.from(
  JSON.stringify({ ids: Array.from({ length: 2000 }, (_, i) => `item-${i}`) }),
);

test('a compressible file gets a copy that decompresses to it, kept as it is on a rebuild', () => {
  const path = join(dir, 'items.json');
  const size = writeGzipCopy(path, text)!;
  expect(size).toBe(statSync(path + '.gz').size);
  expect(size).toBeLessThan(text.length / 4);
  expect(gunzipSync(readFileSync(path + '.gz'))).toEqual(text);
  const written = statSync(path + '.gz').mtimeMs;
  expect(writeGzipCopy(path, text)).toBe(size);
  expect(statSync(path + '.gz').mtimeMs).toBe(written);
});

test('a damaged or stale copy is written again', () => {
  const path = join(dir, 'stale.json');
  writeFileSync(path + '.gz', 'not gzip');
  writeGzipCopy(path, text);
  expect(gunzipSync(readFileSync(path + '.gz'))).toEqual(text);
});

test('a file compression cannot shrink gets no copy, and loses an old one', () => {
  const path = join(dir, 'pictures.bin');
  writeFileSync(path + '.gz', 'left by an older build');
  expect(writeGzipCopy(path, randomBytes(64 * 1024))).toBeUndefined();
  expect(existsSync(path + '.gz')).toBe(false);
});
