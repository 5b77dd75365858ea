import { describe, expect, it } from 'vitest';
import type { RgbaImage } from './rgba-image.ts';
import {
  createTensorBuffer,
  ImagePreprocessor,
  TensorInputError,
  type TensorInput,
} from './to-tensor.ts';

const input = (size: number, extra: Partial<TensorInput> = {}): TensorInput => ({
  name: 'pixels',
  size,
  layout: 'NCHW',
  resize: 'squash',
  channels: 'RGB',
  mean: [0, 0, 0],
  std: [1, 1, 1],
  ...extra,
});

/** An opaque image whose red channel is red(x, y); green = 10, blue = 20. */
function image(width: number, height: number, red: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([red(x, y), 10, 20, 255], (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

/** Row y of the red plane, in 0..255. */
const redRow = (tensor: Float32Array, size: number, y: number) =>
  Array.from(tensor.subarray(y * size, (y + 1) * size), (v) => v * 255);

describe('ImagePreprocessor.toTensor', () => {
  it('copies pixels exactly when the image is already the input size', () => {
    const img = image(8, 8, (x, y) => (x * 31 + y * 7) % 256);
    const out = createTensorBuffer({ size: 8 }, 1);
    new ImagePreprocessor(input(8)).toTensor(img, out, 0);
    for (let y = 0; y < 8; y++) {
      redRow(out, 8, y).forEach((v, x) => expect(v).toBeCloseTo((x * 31 + y * 7) % 256, 3));
    }
    expect(out[64] * 255).toBeCloseTo(10, 4); // green plane
    expect(out[128] * 255).toBeCloseTo(20, 4); // blue plane
  });

  it('upscales bilinearly: 2 -> 4 pixels gives p0, 3/4 p0 + 1/4 p1, 1/4 p0 + 3/4 p1, p1', () => {
    const out = createTensorBuffer({ size: 4 }, 1);
    new ImagePreprocessor(input(4)).toTensor(
      image(2, 2, (x) => (x ? 255 : 0)),
      out,
      0,
    );
    const row = redRow(out, 4, 0);
    [0, 63.75, 191.25, 255].forEach((v, i) => expect(row[i]).toBeCloseTo(v, 3));
  });

  it('antialiases when downscaling: one lit column in four averages to 255 / 4', () => {
    // 16 -> 4 columns. Plain bilinear would sample between columns 1 and 2 (both dark) and
    // return 0; the widened triangle filter sees every column.
    const out = createTensorBuffer({ size: 4 }, 1);
    new ImagePreprocessor(input(4)).toTensor(
      image(16, 16, (x) => (x % 4 === 0 ? 255 : 0)),
      out,
      0,
    );
    const row = redRow(out, 4, 1);
    // Interior pixels: taps 4o-2..4o+5 weigh 1/8, 3/8, 5/8, 7/8, 7/8, 5/8, 3/8, 1/8 (/4);
    // lit columns 4o and 4o+4 carry 5/8 + 3/8 = 1 of 4.
    expect(row[1]).toBeCloseTo(63.75, 3);
    expect(row[2]).toBeCloseTo(63.75, 3);
    // Output 0 is clipped at the edge: taps 0..5 weigh 5/8..1/8 over their sum 3.5 (4o = 0 lit: 5/8; 4: 3/8).
    expect(row[0]).toBeCloseTo(
      (255 * (5 / 8 + 3 / 8)) / (5 / 8 + 7 / 8 + 7 / 8 + 5 / 8 + 3 / 8 + 1 / 8),
      3,
    );
  });

  it('halves with weights 1/8, 3/8, 3/8, 1/8', () => {
    const out = createTensorBuffer({ size: 4 }, 1);
    new ImagePreprocessor(input(4)).toTensor(
      image(8, 8, (x) => x * 10),
      out,
      0,
    );
    // Output 1 reads columns 1..4: (10 + 3 * 20 + 3 * 30 + 40) / 8 = 25.
    expect(redRow(out, 4, 0)[1]).toBeCloseTo(25, 3);
  });

  it('centre-crops the short side, or squashes the whole photo', () => {
    const wide = image(6, 4, (x) => x * 40);
    const crop = createTensorBuffer({ size: 4 }, 1);
    new ImagePreprocessor(input(4, { resize: 'center-crop' })).toTensor(wide, crop, 0);
    redRow(crop, 4, 0).forEach((v, i) => expect(v).toBeCloseTo((i + 1) * 40, 3));
    const squash = createTensorBuffer({ size: 4 }, 1);
    new ImagePreprocessor(input(4)).toTensor(wide, squash, 0);
    expect(redRow(squash, 4, 0)[0]).toBeLessThan(40);
    expect(redRow(squash, 4, 0)[3]).toBeGreaterThan(160);
  });

  it('reads only the crop rectangle when given one', () => {
    const img = image(10, 10, (x, y) => x * 20 + y);
    const out = createTensorBuffer({ size: 4 }, 1);
    new ImagePreprocessor(input(4)).toTensor(img, out, 0, { x: 3, y: 2, width: 4, height: 4 });
    for (let y = 0; y < 4; y++) {
      redRow(out, 4, y).forEach((v, x) => expect(v).toBeCloseTo((x + 3) * 20 + y + 2, 3));
    }
  });

  it('composites transparent pixels over white', () => {
    const data = new Uint8ClampedArray([0, 0, 0, 0, 255, 0, 0, 128]);
    const out = createTensorBuffer({ size: 2 }, 1);
    new ImagePreprocessor(input(2)).toTensor({ data, width: 2, height: 1 }, out, 0);
    // Pixel 0 fully transparent: white. Pixel 1: red at alpha 128/255 over white.
    expect(out[0]).toBeCloseTo(1, 5);
    expect(out[4 + 1]).toBeCloseTo((255 - (255 * 128) / 255) / 255, 5);
  });

  it('applies channel order, mean/std and NHWC layout', () => {
    const img = image(2, 2, () => 255);
    const out = createTensorBuffer({ size: 2 }, 1);
    const spec = input(2, {
      channels: 'BGR',
      layout: 'NHWC',
      mean: [0.5, 0.25, 0],
      std: [0.5, 0.5, 2],
    });
    new ImagePreprocessor(spec).toTensor(img, out, 0);
    // Pixel 0 = (R 255, G 10, B 20) stored as B, G, R with each model channel's mean/std.
    expect(out[0]).toBeCloseTo((20 / 255 - 0.5) / 0.5, 5);
    expect(out[1]).toBeCloseTo((10 / 255 - 0.25) / 0.5, 5);
    expect(out[2]).toBeCloseTo((255 / 255 - 0) / 2, 5);
  });

  it('writes only its batch slot', () => {
    const out = createTensorBuffer({ size: 2 }, 3).fill(-7);
    new ImagePreprocessor(input(2)).toTensor(
      image(2, 2, () => 255),
      out,
      1,
    );
    expect(out.subarray(0, 12).every((v) => v === -7)).toBe(true);
    expect(out.subarray(12, 24).every((v) => v !== -7)).toBe(true);
    expect(out.subarray(24).every((v) => v === -7)).toBe(true);
  });

  it('gives the same result when called again with other sizes in between', () => {
    const pre = new ImagePreprocessor(input(4));
    const a = createTensorBuffer({ size: 4 }, 1);
    const b = createTensorBuffer({ size: 4 }, 1);
    const img = image(9, 7, (x, y) => x * 25 + y);
    pre.toTensor(img, a, 0);
    pre.toTensor(
      image(300, 5, (x) => x % 256),
      b,
      0,
    );
    pre.toTensor(img, b, 0);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('throws TensorInputError on bad input', () => {
    const pre = new ImagePreprocessor(input(2));
    const out = createTensorBuffer({ size: 2 }, 1);
    const img = image(4, 4, () => 0);
    expect(() => pre.toTensor({ ...img, width: 5 }, out, 0)).toThrow(TensorInputError);
    expect(() => pre.toTensor(img, out, 1)).toThrow(/batch index 1/);
    expect(() => pre.toTensor(img, out, 0, { x: 2, y: 2, width: 3, height: 1 })).toThrow(
      /not inside/,
    );
    expect(() => new ImagePreprocessor(input(2, { std: [1, 0, 1] }))).toThrow(TensorInputError);
  });
});
