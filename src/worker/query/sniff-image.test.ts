import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECODABLE_FORMATS, SNIFF_BYTES, sniffImageFormat } from './sniff-image.ts';

const images = resolve(import.meta.dirname, '../../../../shared/datasets/clothing/images');
const bytes = (...values: (number | string)[]) =>
  new Uint8Array(
    values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])),
  );

describe('sniffImageFormat', () => {
  it('recognises real JPEG photos from the shared set by content', () => {
    const files = readdirSync(images).slice(0, 20);
    for (const file of files) {
      const head = readFileSync(resolve(images, file)).subarray(0, SNIFF_BYTES);
      expect(sniffImageFormat(head)).toBe('jpeg');
    }
  });

  it('recognises the other formats by their magic numbers', () => {
    expect(sniffImageFormat(bytes('\x89PNG\r\n\x1a\n', 0, 0, 0, 13))).toBe('png');
    expect(sniffImageFormat(bytes('GIF89a', 1, 0))).toBe('gif');
    expect(sniffImageFormat(bytes('RIFF', 1, 2, 3, 4, 'WEBPVP8 '))).toBe('webp');
    expect(sniffImageFormat(bytes(0, 0, 0, 28, 'ftypavif', 0, 0, 0, 0))).toBe('avif');
    expect(sniffImageFormat(bytes(0, 0, 0, 24, 'ftypheic', 0, 0, 0, 0))).toBe('heic');
    expect(sniffImageFormat(bytes('BM', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))).toBe('bmp');
  });

  it('rejects text, empty input and truncated headers', () => {
    expect(sniffImageFormat(new TextEncoder().encode('hello, this is not a photo'))).toBeNull();
    expect(sniffImageFormat(new Uint8Array(0))).toBeNull();
    expect(sniffImageFormat(bytes(0xff, 0xd8))).toBeNull();
    expect(sniffImageFormat(bytes('RIFF', 1, 2, 3, 4, 'WAVE'))).toBeNull();
    expect(sniffImageFormat(bytes(0, 0, 0, 24, 'ftypmp42', 0, 0, 0, 0))).toBeNull();
  });

  it('lists HEIC and TIFF as not decodable by the browser', () => {
    expect(DECODABLE_FORMATS.has('heic')).toBe(false);
    expect(DECODABLE_FORMATS.has('tiff')).toBe(false);
    expect(DECODABLE_FORMATS.has('jpeg')).toBe(true);
  });
});
