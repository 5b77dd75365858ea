/**
 * The bad-photos corpus through the Node decoder: each file decodes (and embeds like the photo it
 * shows) or throws a typed ImageDecodeError with a clear message, and a good photo decodes after.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  makeBadImages,
  secondFrameId,
  type BadImageCorpus,
} from '../../tests/fixtures/make-bad-images.ts';
import { createOnnxEmbedder, type OnnxEmbedder } from '../../src/shared/model/onnx-embedder.ts';
import {
  ImageDecodeError,
  type ImageDecodeFailure,
} from '../../src/shared/preprocess/decode-error.ts';
import type { RgbaImage } from '../../src/shared/preprocess/rgba-image.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';
import { convertMobilenet } from './mobilenet-model.ts';
import { decodeImageNode } from './decode-node.ts';

const datasetImages = resolve(import.meta.dirname, '../../../shared/datasets/clothing/images');

type Expected =
  /** Throws ImageDecodeError with this reason (and message; sharp's own by default). */
  | { error: ImageDecodeFailure; message?: RegExp }
  /** Decodes; its embedding's cosine with the upright source photo is at least `cosine`. */
  | { cosine: number }
  /** Decodes; the same garment, but further than JPEG noise (colour or background lost). */
  | { closerThanOtherItem: true }
  /** Decodes to a picture of something else; only the pixels' sanity is checked. */
  | { decodes: true };

/** What the Node decoder must do with each case (orientation cases: cosine >= 0.99). */
const expected: Record<string, Expected> = {
  empty: { error: 'empty' },
  truncated: { error: 'undecodable' },
  notes: { error: 'undecodable' },
  // librsvg rasterises the drawing; it never runs the script.
  script: { decodes: true },
  IMG_0001: { error: 'undecodable' },
  // Refused from the header, before any pixel is decoded, with the browser's message.
  'bomb-20000x20000': {
    error: 'too-large',
    message: /^This image is 20000 × 20000 pixels \(400 megapixels\); images up to 268 megapixels/,
  },
  cmyk: { cosine: 0.98 },
  rgb16: { cosine: 0.99 },
  animated: { cosine: 0.99 },
  greyscale: { closerThanOtherItem: true },
  transparent: { closerThanOtherItem: true },
  'tiny-1x1': { decodes: true },
  'panorama-8000x40': { decodes: true },
};

let corpus: BadImageCorpus;
let embedder: OnnxEmbedder;
let preprocessor: ImagePreprocessor;
let tensor: Float32Array;

beforeAll(async () => {
  corpus = await makeBadImages();
  const { onnx, spec } = convertMobilenet();
  embedder = await createOnnxEmbedder(ort, onnx, spec, { threads: 1 });
  preprocessor = new ImagePreprocessor(spec.input);
  tensor = createTensorBuffer(spec.input, 1);
});

async function embed(image: RgbaImage): Promise<Float32Array> {
  preprocessor.toTensor(image, tensor, 0);
  return embedder.embed(tensor, 1);
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('decodeImageNode on the bad-photos corpus', () => {
  it('decodes or refuses every case as expected, then still decodes a good photo', async () => {
    const upright = await embed(await decodeImageNode(corpus.upright));
    const other = await embed(await decodeImageNode(`${datasetImages}/${secondFrameId}.jpg`));
    let handled = 0;
    for (const c of corpus.cases) {
      const want: Expected | undefined = c.orientation ? { cosine: 0.99 } : expected[c.name];
      expect(want, `an expectation for ${c.name}`).toBeDefined();
      const bytes = new Uint8Array(readFileSync(c.path));
      const started = performance.now();
      const decoded = await decodeImageNode(bytes).catch((error: unknown) => error);
      const label = `${c.name} (${c.what})`;

      if (want && 'error' in want) {
        expect(decoded, label).toBeInstanceOf(ImageDecodeError);
        expect(decoded, label).toMatchObject({
          reason: want.error,
          message: want.message ?? /^The image data /,
        });
        // Refusals are cheap: nothing is decoded to find out.
        expect(performance.now() - started, `${label}: ms to refuse`).toBeLessThan(1000);
        handled++;
        continue;
      }
      if (decoded instanceof Error) throw new Error(`${label} did not decode: ${decoded.message}`);
      const image = decoded as RgbaImage & { sourceWidth: number; sourceHeight: number };
      expect(image.data.length, label).toBe(image.width * image.height * 4);
      expect(Math.max(image.width, image.height), label).toBeLessThanOrEqual(2048);
      const vector = await embed(image);
      expect(dot(vector, vector), `${label}: unit length`).toBeCloseTo(1, 3);
      const cosine = dot(vector, upright);
      if (want && 'cosine' in want) expect(cosine, label).toBeGreaterThanOrEqual(want.cosine);
      if (want && 'closerThanOtherItem' in want) {
        expect(cosine, label).toBeGreaterThan(dot(vector, other));
      }
      handled++;
    }
    console.log(`bad inputs (Node decoder): ${corpus.cases.length} tried, ${handled} handled`);
    expect(handled).toBe(corpus.cases.length);

    // The SVG is the drawing (its red rectangle), not anything its script would have drawn.
    const svg = await decodeImageNode(
      new Uint8Array(readFileSync(corpus.cases.find((c) => c.name === 'script')!.path)),
    );
    expect(Array.from(svg.data.subarray(0, 4))).toEqual([204, 51, 51, 255]);
    // The animated GIF's first frame, not the shoes of its second.
    const gif = await embed(
      await decodeImageNode(corpus.cases.find((c) => c.name === 'animated')!.path),
    );
    expect(dot(gif, upright)).toBeGreaterThan(dot(gif, other) + 0.3);

    // Still fine afterwards.
    const again = await embed(await decodeImageNode(corpus.upright));
    expect(dot(again, upright)).toBeCloseTo(1, 5);
  });
});
