import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeExifFixtures, type ExifFixtures } from '../../../tests/fixtures/make-exif-fixtures.ts';
import { IMAGE_HEADER_BYTES, readImageHeader } from './image-header.ts';

const images = resolve(import.meta.dirname, '../../../../shared/datasets/clothing/images');
const head = (bytes: Uint8Array) => bytes.subarray(0, IMAGE_HEADER_BYTES);

let fixtures: ExifFixtures;
beforeAll(async () => {
  fixtures = await makeExifFixtures();
});

describe('readImageHeader', () => {
  it('reads the size of real phone JPEGs as sharp does', async () => {
    const files = readdirSync(images).sort().slice(0, 40);
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(join(images, file)));
      const meta = await sharp(bytes).metadata();
      const header = readImageHeader(head(bytes));
      expect(header, file).toMatchObject({
        format: 'jpeg',
        width: meta.width,
        height: meta.height,
        orientation: meta.orientation ?? 1,
      });
    }
  });

  it('reads all eight EXIF orientations and swaps the upright size for 5-8', () => {
    for (const [orientation, path] of fixtures.oriented) {
      const header = readImageHeader(head(new Uint8Array(readFileSync(path))))!;
      expect(header.orientation).toBe(orientation);
      expect([header.uprightWidth, header.uprightHeight]).toEqual([400, 533]);
    }
    const large = readImageHeader(head(new Uint8Array(readFileSync(fixtures.largeRotated))))!;
    expect(large).toMatchObject({
      width: 8000,
      height: 6000,
      uprightWidth: 6000,
      uprightHeight: 8000,
    });
  });

  it('reads PNG, GIF, WebP (lossy, lossless, extended) and BMP sizes', async () => {
    const png = new Uint8Array(readFileSync(fixtures.hugePng));
    expect(readImageHeader(head(png))).toMatchObject({
      format: 'png',
      width: 12000,
      height: 12000,
    });
    const base = sharp({ create: { width: 321, height: 123, channels: 4, background: '#f008' } });
    const cases = [
      ['gif', await base.clone().gif().toBuffer()],
      ['webp', await base.clone().webp({ lossless: false }).toBuffer()],
      ['webp', await base.clone().webp({ lossless: true }).toBuffer()],
      ['webp', await base.clone().webp().withMetadata({ orientation: 3 }).toBuffer()],
    ] as const;
    for (const [format, buffer] of cases) {
      expect(readImageHeader(new Uint8Array(buffer))).toMatchObject({
        format,
        width: 321,
        height: 123,
      });
    }
    // A minimal 3x2 24-bit BMP header (no pixels needed for the size).
    const bmp = new Uint8Array(54);
    const view = new DataView(bmp.buffer);
    bmp.set([0x42, 0x4d]);
    view.setInt32(18, 3, true);
    view.setInt32(22, -2, true); // top-down rows
    expect(readImageHeader(bmp)).toMatchObject({ format: 'bmp', width: 3, height: 2 });
  });

  it('returns null for unknown or truncated data', () => {
    const jpeg = new Uint8Array(readFileSync(fixtures.upright));
    expect(readImageHeader(jpeg.subarray(0, 20))).toBeNull();
    expect(readImageHeader(new TextEncoder().encode('not an image at all'))).toBeNull();
    expect(readImageHeader(new Uint8Array(0))).toBeNull();
  });
});
