import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeExifFixtures, type ExifFixtures } from '../../tests/fixtures/make-exif-fixtures.ts';
import { createOnnxEmbedder, type OnnxEmbedder } from '../../src/shared/model/onnx-embedder.ts';
import { ImageDecodeError } from '../../src/shared/preprocess/decode-error.ts';
import { MAX_DECODE_SIDE } from '../../src/shared/preprocess/decode-limits.ts';
import type { RgbaImage } from '../../src/shared/preprocess/rgba-image.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';
import { convertMobilenet } from './mobilenet-model.ts';
import { decodeImageNode } from './decode-node.ts';

let fixtures: ExifFixtures;
let embedder: OnnxEmbedder;
let preprocessor: ImagePreprocessor;

beforeAll(async () => {
  fixtures = await makeExifFixtures();
  const { onnx, spec } = convertMobilenet();
  embedder = await createOnnxEmbedder(ort, onnx, spec, { threads: 1 });
  preprocessor = new ImagePreprocessor(spec.input);
});

async function embed(image: RgbaImage): Promise<Float32Array> {
  const tensor = createTensorBuffer(preprocessor.input, 1);
  preprocessor.toTensor(image, tensor, 0);
  return embedder.embed(tensor, 1);
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Mean absolute difference of two same-size RGBA images. */
function meanDifference(a: RgbaImage, b: RgbaImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

describe('decodeImageNode', () => {
  it('decodes every EXIF orientation upright, like its upright twin', async () => {
    const upright = await decodeImageNode(fixtures.upright);
    expect([upright.width, upright.height]).toEqual([400, 533]);
    for (const [orientation, path] of fixtures.oriented) {
      const image = await decodeImageNode(path);
      expect([image.width, image.height], `orientation ${orientation}`).toEqual([400, 533]);
      // JPEG noise only; a wrong rotation or mirror differs by tens of levels.
      expect(meanDifference(image, upright), `orientation ${orientation}`).toBeLessThan(2);
    }
  });

  it('embeds a sideways photo with EXIF orientation 6 like its upright twin (cosine >= 0.99)', async () => {
    const upright = await embed(await decodeImageNode(fixtures.upright));
    const sideways = await embed(await decodeImageNode(fixtures.oriented.get(6)!));
    console.log(`node, EXIF orientation 6 vs upright: cosine ${dot(upright, sideways).toFixed(4)}`);
    expect(dot(upright, sideways)).toBeGreaterThanOrEqual(0.99);
    // Ignoring the tag would feed the stored, rotated pixels: a clearly different embedding.
    const stored = await sharp(fixtures.oriented.get(6)!)
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const ignored = await embed({
      data: stored.data,
      width: stored.info.width,
      height: stored.info.height,
    });
    expect(dot(upright, ignored)).toBeLessThan(dot(upright, sideways));
  });

  it('decodes huge images downscaled to the max side, orientation first', async () => {
    const large = await decodeImageNode(fixtures.largeRotated);
    expect(large).toMatchObject({
      width: 1536,
      height: MAX_DECODE_SIDE,
      sourceWidth: 6000,
      sourceHeight: 8000,
    });
    const upright = await embed(await decodeImageNode(fixtures.upright));
    expect(dot(upright, await embed(large))).toBeGreaterThanOrEqual(0.99);
    const huge = await decodeImageNode(new Uint8Array(readFileSync(fixtures.hugePng)));
    expect(huge).toMatchObject({
      width: MAX_DECODE_SIDE,
      height: MAX_DECODE_SIDE,
      sourceWidth: 12000,
    });
    expect(huge.data.length).toBe(MAX_DECODE_SIDE * MAX_DECODE_SIDE * 4);
  });

  it('gives RGBA for greyscale and transparent sources', async () => {
    const grey = await sharp({
      create: { width: 5, height: 3, channels: 3, background: '#808080' },
    })
      .greyscale()
      .png()
      .toBuffer();
    const image = await decodeImageNode(new Uint8Array(grey));
    expect(image.data.length).toBe(5 * 3 * 4);
    expect(Array.from(image.data.subarray(0, 4))).toEqual([128, 128, 128, 255]);
  });

  it('throws ImageDecodeError on empty, garbage and truncated input', async () => {
    await expect(decodeImageNode(new Uint8Array(0))).rejects.toMatchObject({ reason: 'empty' });
    const garbage = new TextEncoder().encode('definitely not a photo');
    await expect(decodeImageNode(garbage)).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(decodeImageNode('/nonexistent/photo.jpg')).rejects.toMatchObject({
      name: 'ImageDecodeError',
      reason: 'undecodable',
    });
    const jpeg = new Uint8Array(readFileSync(fixtures.upright));
    await expect(decodeImageNode(jpeg.subarray(0, 600))).rejects.toBeInstanceOf(ImageDecodeError);
  });
});
