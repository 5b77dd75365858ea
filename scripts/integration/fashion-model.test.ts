import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createOnnxEmbedder } from '../../src/shared/model/onnx-embedder.ts';
import { ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';
import { seededRandom } from '../lib/seeded-random.ts';
import { decodeImageNode } from '../lib/decode-node.ts';
import { backboneFeatures, selectFeatures } from '../lib/backbone-features.ts';
import { fashionEmbeddings } from '../train/fashion-embedding.ts';
import { initHead } from '../lib/head-weights.ts';
import { standardisation } from '../train/head.ts';
import { decodeHeadFile, encodeHeadFile, type HeadMeta } from '../lib/head-file.ts';
import { FASHION_HEAD_FILE } from '../lib/head-file.ts';
import {
  committedWhitening,
  convertFashion,
  FASHION_ID,
  fashionSourceHash,
} from '../models/fashion-model.ts';
import {
  decodeWhiteningFile,
  encodeWhiteningFile,
  joinedWhitening,
  splitWhitening,
  type WhiteningFile,
  type WhiteningMeta,
} from '../lib/whitening-file.ts';
import { whitenEmbedding } from '../lib/whitened-embedding.ts';
import { gemBackbone, pooledInputRows } from '../lib/gem-backbone.ts';
import { colourTermDim, FASHION_COLOUR } from '../models/colour-term.ts';

const images = resolve(import.meta.dirname, '../../../shared/datasets/clothing/images');
const photos = [
  'ea7b6656-3f84-4eb3-9099-23e623fc1018',
  'ea2ffd4d-9b25-4ca8-9dc2-bd27f1cc59fa',
  '4285fab0-751a-4b74-8e9b-43af05deee22',
  '00627a3f-0477-401c-95eb-92642cbe078d',
].map((id) => join(images, `${id}.jpg`));
const cache = mkdtempSync(join(tmpdir(), 'fashion-model-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

/** Embeddings of the photos by the exported ONNX model, through the app's preprocessing. */
async function onnxEmbeddings(bytes: Uint8Array, spec: Parameters<typeof createOnnxEmbedder>[2]) {
  const embedder = await createOnnxEmbedder(ort, bytes, spec, { threads: 2 });
  const pre = new ImagePreprocessor(spec.input);
  const tensor = new Float32Array(photos.length * pre.imageLength);
  for (const [i, path] of photos.entries()) pre.toTensor(await decodeImageNode(path), tensor, i);
  const out = (await embedder.embed(tensor, photos.length)).slice();
  await embedder.dispose();
  return out;
}

/** The same embeddings the way training computes them: cached pooled features, then the head. */
async function trainingEmbeddings(headBytes: Uint8Array) {
  const { head, meta } = decodeHeadFile(headBytes);
  const table = await backboneFeatures(photos, { cache });
  return fashionEmbeddings(table, head, meta).vectors;
}

/** Rows without their last `tail` dims (the colour term, which training does not see), unit again. */
function withoutTail(rows: Float32Array, dim: number, tail: number): Float32Array {
  const kept = dim - tail;
  const out = new Float32Array((rows.length / dim) * kept);
  for (let r = 0; r < rows.length / dim; r++) {
    const row = rows.subarray(r * dim, r * dim + kept);
    const norm = Math.hypot(...row);
    for (let j = 0; j < kept; j++) out[r * kept + j] = row[j] / norm;
  }
  return out;
}

/**
 * The GeM input the way the validation scripts compute it: the extractor (scripts/lib/gem-backbone.ts)
 * on the photos and, when the input says so, on their mirror images, averaged, unit rows.
 */
async function extractorPooledRows({
  layer,
  p,
  mirror,
}: {
  layer: string;
  p: number;
  mirror: boolean;
}) {
  const rows = async (options: { mirror: boolean }) => {
    const { onnx, spec } = gemBackbone(layer, p, options);
    return onnxEmbeddings(onnx, spec);
  };
  const plain = await rows({ mirror: false });
  const channels = plain.length / photos.length / 2;
  return pooledInputRows(plain, mirror ? await rows({ mirror: true }) : null, channels);
}

/** What a whitening file makes of the unwhitened rows, in JS (with its pooled input's rows). */
async function whitenedInJs(file: WhiteningFile, plain: Float32Array, dim: number) {
  const { meta } = file;
  if (!meta.pooled) return whitenEmbedding(file.whitening, meta, plain, dim);
  const pooled = { rows: await extractorPooledRows(meta.pooled), dim: meta.pooled.dim };
  return whitenEmbedding(joinedWhitening(file), meta, plain, dim, pooled);
}

function expectSameRows(a: Float32Array, b: Float32Array, dim: number) {
  expect(a.length).toBe(b.length);
  for (let r = 0; r < a.length / dim; r++) {
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += a[r * dim + j] * b[r * dim + j];
    expect(dot).toBeGreaterThanOrEqual(0.999);
  }
}

describe('the exported fashion model', () => {
  it('embeds like the training forward pass (MLP head, mirror averaging in the graph)', async () => {
    // A random head over two layers: the check is about the export, not the training.
    const table = await backboneFeatures(photos, { cache });
    const layers = ['block_12_add', 'out_relu'];
    const { features, dim } = selectFeatures(table, layers, 'average');
    const { mean, invStd } = standardisation(features, dim);
    const head = initHead({ input: dim, hidden: 16, output: 8 }, mean, invStd, seededRandom(4));
    const meta: HeadMeta = { layers, views: 'average', training: {} };
    const headBytes = encodeHeadFile(head, meta);
    const { onnx, spec } = convertFashion(headBytes);
    expect(spec.id).toBe(FASHION_ID);
    expect(spec.output.dim).toBe(8);
    const exported = await onnxEmbeddings(onnx, spec);
    expectSameRows(exported, await trainingEmbeddings(headBytes), 8);
    // Not vacuous: different photos get different embeddings.
    expect(Math.abs(exported[0] - exported[8])).toBeGreaterThan(1e-4);
  });

  it('embeds without mirror averaging when the head was trained on plain views', async () => {
    const table = await backboneFeatures(photos, { cache });
    const { features, dim } = selectFeatures(table, ['block_16_project_BN'], 'plain');
    const { mean, invStd } = standardisation(features, dim);
    const head = initHead({ input: dim, hidden: 0, output: 6 }, mean, invStd, seededRandom(5));
    const headBytes = encodeHeadFile(head, {
      layers: ['block_16_project_BN'],
      views: 'plain',
      training: {},
    });
    const { onnx, spec } = convertFashion(headBytes);
    expectSameRows(await onnxEmbeddings(onnx, spec), await trainingEmbeddings(headBytes), 6);
  });

  it('embeds like training with per-layer normalisation and a blended raw layer', async () => {
    const table = await backboneFeatures(photos, { cache });
    const layers = ['block_10_project_BN', 'block_12_add'];
    const { features, dim } = selectFeatures(table, layers, 'average', true);
    const { mean, invStd } = standardisation(features, dim);
    const head = initHead({ input: dim, hidden: 0, output: 12 }, mean, invStd, seededRandom(6));
    const headBytes = encodeHeadFile(head, {
      layers,
      views: 'average',
      layerNorm: true,
      blend: { layer: 'block_12_add', weight: 0.7 },
      training: {},
    });
    const { onnx, spec } = convertFashion(headBytes, undefined, { ...FASHION_COLOUR, weight: 0 });
    expect(spec.output.dim).toBe(12 + 96);
    expectSameRows(await onnxEmbeddings(onnx, spec), await trainingEmbeddings(headBytes), 108);
  });

  it.runIf(existsSync(FASHION_HEAD_FILE))(
    'embeds like training with the committed head',
    async () => {
      const headBytes = new Uint8Array(readFileSync(FASHION_HEAD_FILE));
      // The head was trained on today's backbone features (else: npm run train).
      const table = await backboneFeatures(photos, { cache });
      expect(decodeHeadFile(headBytes).meta.training.backbone).toBe(table.tag);
      const { onnx, spec } = convertFashion(headBytes);
      // The default model appends the colour term after what training computes.
      const tail = FASHION_COLOUR.weight ? colourTermDim(FASHION_COLOUR.bins) : 0;
      const expected = await trainingEmbeddings(headBytes);
      expect(spec.output.dim - tail).toBe(expected.length / photos.length);
      expectSameRows(
        withoutTail(await onnxEmbeddings(onnx, spec), spec.output.dim, tail),
        expected,
        spec.output.dim - tail,
      );
      // Issue #3's budget for the default model; the uint8-coded head weights are what fit it.
      expect(spec.bytes).toBeLessThanOrEqual(4_000_000);
    },
  );

  describe.runIf(existsSync(FASHION_HEAD_FILE))('with a learned whitening appended', () => {
    const headBytes = () => new Uint8Array(readFileSync(FASHION_HEAD_FILE));
    /** A random whitening of the committed head's embedding (the check is about the export). */
    function randomWhitening(tail: number, blend: number, learnedOn: string) {
      const random = seededRandom(8);
      const dim = 416 - tail;
      const out = 12;
      return encodeWhiteningFile({
        whitening: {
          dim,
          out,
          mean: Float32Array.from({ length: dim }, () => (random() - 0.5) * 0.05),
          projection: Float32Array.from({ length: out * dim }, () => random() * 2 - 1),
        },
        meta: { tail, tailWeight: tail ? 0.3 : 0, blend, learnedOn, learning: {} },
      });
    }

    it('embeds like whitening the unwhitened model in JS (whole, CNN part, appended)', async () => {
      const head = headBytes();
      const base = convertFashion(head);
      const plain = await onnxEmbeddings(base.onnx, base.spec);
      const learnedOn = fashionSourceHash(head);
      for (const [tail, blend] of [
        [0, 0],
        [64, 0],
        [0, 0.5],
      ]) {
        const bytes = randomWhitening(tail, blend, learnedOn);
        const { onnx, spec } = convertFashion(head, undefined, undefined, bytes);
        const { whitening, meta } = decodeWhiteningFile(bytes);
        const expected = whitenEmbedding(whitening, meta, plain, base.spec.output.dim);
        expect(spec.output.dim).toBe(expected.length / photos.length);
        expectSameRows(await onnxEmbeddings(onnx, spec), expected, spec.output.dim);
      }
    });

    /** A whitening file on [embedding ‖ GeM-pooled block_13_expand_relu], from the whole map. */
    function pooledWhitening(
      whole: { out: number; mean: Float32Array; projection: Float32Array },
      blend: number,
      learnedOn: string,
    ) {
      const meta: WhiteningMeta = {
        tail: 0,
        tailWeight: 0,
        blend,
        learnedOn,
        learning: {},
        pooled: { layer: 'block_13_expand_relu', p: 3, dim: 576, mirror: true },
      };
      return encodeWhiteningFile({ ...splitWhitening({ dim: 416 + 576, ...whole }, meta), meta });
    }

    it('computes its GeM input in the graph like the extractor, photo and mirror averaged', async () => {
      // P reads only the pooled input, as is: the appended part is the unit GeM vector itself.
      const dim = 416 + 576;
      const out = 576;
      const projection = new Float32Array(out * dim);
      for (let i = 0; i < out; i++) projection[i * dim + 416 + i] = 1;
      const head = headBytes();
      const blend = 0.5;
      const bytes = pooledWhitening(
        { out, mean: new Float32Array(dim), projection },
        blend,
        fashionSourceHash(head),
      );
      const { onnx, spec } = convertFashion(head, undefined, undefined, bytes);
      expect(spec.output.dim).toBe(416 + 576);
      const exported = await onnxEmbeddings(onnx, spec);
      const expected = await extractorPooledRows({
        layer: 'block_13_expand_relu',
        p: 3,
        mirror: true,
      });
      const unmirrored = await extractorPooledRows({
        layer: 'block_13_expand_relu',
        p: 3,
        mirror: false,
      });
      const scale = Math.sqrt(1 + blend * blend) / blend;
      let mirrorMatters = 0;
      for (let r = 0; r < photos.length; r++) {
        for (let j = 0; j < out; j++) {
          const gem = exported[r * spec.output.dim + 416 + j] * scale;
          expect(gem).toBeCloseTo(expected[r * out + j], 4);
          mirrorMatters = Math.max(mirrorMatters, Math.abs(gem - unmirrored[r * out + j]));
        }
      }
      // Not vacuous: the mirror image moves the GeM vector by more than the tolerance.
      expect(mirrorMatters).toBeGreaterThan(1e-3);
    });

    it('embeds like the JS whitening of [embedding ‖ extractor GeM] (random pooled whitening)', async () => {
      const head = headBytes();
      const base = convertFashion(head);
      const plain = await onnxEmbeddings(base.onnx, base.spec);
      const random = seededRandom(9);
      const dim = 416 + 576;
      const out = 12;
      const bytes = pooledWhitening(
        {
          out,
          mean: Float32Array.from({ length: dim }, () => (random() - 0.5) * 0.05),
          projection: Float32Array.from({ length: out * dim }, () => random() * 2 - 1),
        },
        0.35,
        fashionSourceHash(head),
      );
      const { onnx, spec } = convertFashion(head, undefined, undefined, bytes);
      const expected = await whitenedInJs(decodeWhiteningFile(bytes), plain, base.spec.output.dim);
      expect(spec.output.dim).toBe(416 + out);
      expect(spec.output.dim).toBe(expected.length / photos.length);
      expectSameRows(await onnxEmbeddings(onnx, spec), expected, spec.output.dim);
    });

    it('refuses a whitening learned on another model', () => {
      const bytes = randomWhitening(0, 0, 'f'.repeat(64));
      expect(() => convertFashion(headBytes(), undefined, undefined, bytes)).toThrow(/another/);
    });

    it.runIf(committedWhitening() !== null)(
      'builds the committed whitening within the size budget, like JS',
      async () => {
        const head = headBytes();
        const bytes = committedWhitening()!;
        const base = convertFashion(head);
        const { onnx, spec } = convertFashion(head, undefined, undefined, bytes);
        const plain = await onnxEmbeddings(base.onnx, base.spec);
        const expected = await whitenedInJs(
          decodeWhiteningFile(bytes),
          plain,
          base.spec.output.dim,
        );
        expectSameRows(await onnxEmbeddings(onnx, spec), expected, spec.output.dim);
        expect(spec.bytes).toBeLessThanOrEqual(4_000_000);
      },
    );
  });
});
