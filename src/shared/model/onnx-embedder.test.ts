import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImageNode } from '../../../scripts/lib/decode-node.ts';
import { convertMobilenet, type ConvertedModel } from '../../../scripts/lib/mobilenet-model.ts';
import { createTensorBuffer, ImagePreprocessor } from '../preprocess/to-tensor.ts';
import {
  createOnnxEmbedder,
  EmbedInputError,
  ModelMismatchError,
  type OnnxEmbedder,
} from './onnx-embedder.ts';

const images = resolve(import.meta.dirname, '../../../../shared/datasets/clothing/images');

let model: ConvertedModel;
let embedder: OnnxEmbedder;
let batch: Float32Array;

beforeAll(async () => {
  model = convertMobilenet();
  embedder = await createOnnxEmbedder(ort, model.onnx, model.spec, { threads: 1 });
  const files = readdirSync(images).sort().slice(0, 3);
  const preprocessor = new ImagePreprocessor(model.spec.input);
  batch = createTensorBuffer(model.spec.input, 3);
  for (const [i, file] of files.entries()) {
    preprocessor.toTensor(await decodeImageNode(join(images, file)), batch, i);
  }
});

describe('createOnnxEmbedder', () => {
  it('returns batch x dim unit vectors; a batch equals its images embedded one by one', async () => {
    const all = await embedder.embed(batch, 3);
    expect(all.length).toBe(3 * embedder.dim);
    for (let i = 0; i < 3; i++) {
      const row = all.subarray(i * embedder.dim, (i + 1) * embedder.dim);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
      const one = await embedder.embed(batch.subarray(i * embedder.imageLength), 1);
      one.forEach((v, j) => expect(v).toBeCloseTo(row[j], 5));
    }
    // Different photos, different embeddings.
    const dot = all.subarray(0, embedder.dim).reduce((s, v, j) => s + v * all[embedder.dim + j], 0);
    expect(dot).toBeLessThan(0.999);
  });

  it('runs concurrent calls one at a time, each with its own result', async () => {
    const single = (i: number) =>
      batch.subarray(i * embedder.imageLength, (i + 1) * embedder.imageLength);
    const [a, b, c] = await Promise.all([0, 1, 2].map((i) => embedder.embed(single(i), 1)));
    const all = await embedder.embed(batch, 3);
    [a, b, c].forEach((row, i) =>
      row.forEach((v, j) => expect(v).toBeCloseTo(all[i * embedder.dim + j], 5)),
    );
  });

  it('rejects bad batches with EmbedInputError', async () => {
    await expect(embedder.embed(batch, 4)).rejects.toBeInstanceOf(EmbedInputError);
    await expect(embedder.embed(batch, 0)).rejects.toBeInstanceOf(EmbedInputError);
    await expect(embedder.embed(batch, 1.5)).rejects.toThrow(/positive integer/);
    // The queue survives a failed call.
    expect((await embedder.embed(batch, 1)).length).toBe(embedder.dim);
  });

  it('refuses model bytes that do not match the spec, or a spec naming other I/O', async () => {
    const tampered = model.onnx.slice();
    tampered[tampered.length - 1] ^= 1;
    await expect(createOnnxEmbedder(ort, tampered, model.spec)).rejects.toBeInstanceOf(
      ModelMismatchError,
    );
    const wrongOutput = { ...model.spec, output: { ...model.spec.output, name: 'logits' } };
    await expect(createOnnxEmbedder(ort, model.onnx, wrongOutput)).rejects.toThrow(
      /outputs \[embedding\]/,
    );
  });

  it('fails calls after dispose', async () => {
    const other = await createOnnxEmbedder(ort, model.onnx, model.spec, { threads: 1 });
    await other.dispose();
    await expect(other.embed(batch, 1)).rejects.toThrow(/disposed/);
  });
});
