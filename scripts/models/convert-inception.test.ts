import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOnnxEmbedder } from '../../src/shared/model/onnx-embedder.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';
import { decodeImageNode } from '../lib/decode-node.ts';
import { whitenEmbedding } from '../lib/whitened-embedding.ts';
import { decodeWhiteningFile } from '../lib/whitening-file.ts';
import {
  committedInceptionWhitening,
  convertInception,
  DEFAULT_INCEPTION_OPTIONS,
} from './inception-model.ts';
import { loadNsfwjsModel, type KerasModel } from '../lib/nsfwjs-keras.ts';
import { cosine, loadTfjsReference, toNhwc } from './tfjs-reference.ts';

const images = resolve(import.meta.dirname, '../../../shared/datasets/clothing/images');

let keras: KerasModel;
beforeAll(() => {
  keras = loadNsfwjsModel('inception_v3');
});

describe('InceptionV3 conversion', () => {
  // mixed2 already holds every layer kind InceptionV3 has: convs with gamma-free batch norms,
  // ReLU activations, 'valid' max pools, 'same' average pools and concatenations. tfjs runs the
  // whole network at about 14 s a photo on this machine, so the check stops there.
  const options = { ...DEFAULT_INCEPTION_OPTIONS, layers: ['mixed0', 'mixed2'] };

  it('matches the Keras model run by tfjs on real photos (cosine >= 0.99999 each)', async () => {
    const { onnx, spec } = convertInception(options, keras);
    expect(spec.input.size).toBe(299);
    const reference = await loadTfjsReference(keras.artifacts, options.layers, spec.input.size);
    const embedder = await createOnnxEmbedder(ort, onnx, spec, { threads: 1 });
    const preprocessor = new ImagePreprocessor(spec.input);
    const files = readdirSync(images).sort();
    for (const file of [files[0], files[Math.floor(files.length / 2)]]) {
      const tensor = createTensorBuffer(spec.input, 1);
      preprocessor.toTensor(await decodeImageNode(join(images, file)), tensor, 0);
      const ours = await embedder.embed(tensor, 1);
      const theirs = reference.embed(toNhwc(tensor, spec.input.size));
      expect(ours.length).toBe(256 + 288);
      // Exact up to float rounding (1 - cosine about 1e-11); a pooling that counted the padding
      // into 'same' averages would sit near 3e-4, which a 0.999 bar would let through.
      expect(cosine(ours, theirs)).toBeGreaterThanOrEqual(0.99999);
    }
    await embedder.dispose();
    reference.dispose();
  }, 120_000);

  it('writes a spec that describes the bytes, and names what it cannot convert', () => {
    const { onnx, spec } = convertInception(DEFAULT_INCEPTION_OPTIONS, keras);
    expect(spec.sha256).toBe(createHash('sha256').update(onnx).digest('hex'));
    expect(spec.bytes).toBe(onnx.byteLength);
    expect(spec.id).toBe('inception-v3');
    expect(() => convertInception({ ...options, layers: ['dense_1'] }, keras)).toThrow(
      /InceptionV3: layer flatten_1 \(Flatten\) is not supported/,
    );
  });

  const whitening = committedInceptionWhitening();
  it.runIf(whitening)('appends the committed whitening as scripts/lib computes it', async () => {
    const plain = convertInception(DEFAULT_INCEPTION_OPTIONS, keras);
    const white = convertInception(DEFAULT_INCEPTION_OPTIONS, keras, whitening);
    const { whitening: w, meta } = decodeWhiteningFile(whitening!);
    expect(meta.blend).toBeGreaterThan(0);
    expect(white.spec.output.dim).toBe(plain.spec.output.dim + w.out);
    const embedders = await Promise.all(
      [plain, white].map((m) => createOnnxEmbedder(ort, m.onnx, m.spec, { threads: 1 })),
    );
    const tensor = createTensorBuffer(plain.spec.input, 1);
    const files = readdirSync(images).sort();
    const photo = await decodeImageNode(join(images, files[files.length - 1]));
    new ImagePreprocessor(plain.spec.input).toTensor(photo, tensor, 0);
    const [rows, ours] = await Promise.all(embedders.map((e) => e.embed(tensor, 1)));
    const expected = whitenEmbedding(w, meta, rows, plain.spec.output.dim);
    // The graph's P is stored in uint8 codes per column: equal up to that rounding.
    expect(cosine(ours, expected)).toBeGreaterThanOrEqual(0.9999);
    const whitened = (v: Float32Array) => v.subarray(plain.spec.output.dim);
    expect(cosine(whitened(ours), whitened(expected))).toBeGreaterThanOrEqual(0.999);
    await Promise.all(embedders.map((e) => e.dispose()));
    // A whitening learned on another conversion is refused.
    expect(() => convertInception({ ...DEFAULT_INCEPTION_OPTIONS, layers: ['mixed7'] }, keras, whitening)).toThrow(
      /learned on another conversion/,
    );
  }, 120_000);
});
