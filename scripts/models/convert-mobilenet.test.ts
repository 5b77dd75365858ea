import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxEmbedder } from '../../src/shared/model/onnx-embedder.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';
import { decodeImageNode } from '../lib/decode-node.ts';
import { convertMobilenet, DEFAULT_MOBILENET_OPTIONS } from '../lib/mobilenet-model.ts';
import { loadNsfwjsMobilenet, type KerasModel } from '../lib/nsfwjs-keras.ts';
import { cosine, loadTfjsReference, toNhwc } from './tfjs-reference.ts';

const images = resolve(import.meta.dirname, '../../../shared/datasets/clothing/images');
const SIZE = 224;

let keras: KerasModel;
let tensors: Float32Array[];

beforeAll(async () => {
  keras = loadNsfwjsMobilenet();
  // 20 real photos spread over the sorted set.
  const files = readdirSync(images).sort();
  const chosen = Array.from({ length: 20 }, (_, i) => files[Math.floor((i * files.length) / 20)]);
  const { input } = convertMobilenet(DEFAULT_MOBILENET_OPTIONS, keras).spec;
  const preprocessor = new ImagePreprocessor(input);
  tensors = [];
  for (const file of chosen) {
    const tensor = createTensorBuffer(input, 1);
    preprocessor.toTensor(await decodeImageNode(join(images, file)), tensor, 0);
    tensors.push(tensor);
  }
});

describe.each([
  ['the default layers', DEFAULT_MOBILENET_OPTIONS.layers],
  ['a fusion of four layers', ['block_10_project_BN', 'block_12_add', 'block_16_project_BN', 'out_relu']],
])('ONNX conversion of %s', (_, layers) => {
  const options = { ...DEFAULT_MOBILENET_OPTIONS, layers };
  let reference: Awaited<ReturnType<typeof loadTfjsReference>>;
  beforeAll(async () => {
    reference = await loadTfjsReference(keras.artifacts, layers);
  });
  afterAll(() => reference.dispose());

  it('matches the Keras model run by tfjs on 20 real photos (cosine >= 0.999 each)', async () => {
    const { onnx, spec } = convertMobilenet(options, keras);
    const embedder = await createOnnxEmbedder(ort, onnx, spec, { threads: 1 });
    const cosines: number[] = [];
    for (const tensor of tensors) {
      const ours = await embedder.embed(tensor, 1);
      const theirs = reference.embed(toNhwc(tensor, SIZE));
      expect(ours.length).toBe(theirs.length);
      cosines.push(cosine(ours, theirs));
    }
    await embedder.dispose();
    console.log(`${layers.join('+')}: min cosine vs tfjs ${Math.min(...cosines).toFixed(7)}`);
    for (const c of cosines) expect(c).toBeGreaterThanOrEqual(0.999);
  });

  it('writes a spec that describes the bytes, under 4 MB', () => {
    const { onnx, spec } = convertMobilenet(options, keras);
    expect(spec.sha256).toBe(createHash('sha256').update(onnx).digest('hex'));
    expect(spec.bytes).toBe(onnx.byteLength);
    expect(spec.bytes).toBeLessThanOrEqual(4_000_000);
    expect(spec.output).toMatchObject({ name: 'embedding', normalized: true });
    expect(spec.input).toMatchObject({ size: 224, layout: 'NCHW', channels: 'RGB' });
  });
});

describe('converter options', () => {
  it('rejects an unknown layer and a folded conv with a clear message', () => {
    expect(() => convertMobilenet({ ...DEFAULT_MOBILENET_OPTIONS, layers: ['nope'] }, keras)).toThrow(
      /no layer "nope"/,
    );
    expect(() =>
      convertMobilenet({ ...DEFAULT_MOBILENET_OPTIONS, layers: ['block_12_project'] }, keras),
    ).toThrow(/block_12_project_BN/);
  });

  it('changes the source hash (and so rebuilds) when the options change', () => {
    const a = convertMobilenet(DEFAULT_MOBILENET_OPTIONS, keras).spec;
    const b = convertMobilenet({ ...DEFAULT_MOBILENET_OPTIONS, layers: ['block_9_add'] }, keras).spec;
    expect(a.sourceHash).not.toBe(b.sourceHash);
    expect(a.sourceHash).toBe(convertMobilenet(DEFAULT_MOBILENET_OPTIONS, keras).spec.sourceHash);
  });
});
