/**
 * The SigLIP and DINOv2 fixtures: the hub layout, the input and output names and shapes of the
 * hub's ONNX exports of those families, and reproducible, self-repairing builds.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { parseModelSpec } from '../../src/shared/catalog/validate-manifest.ts';
import { inputFromPreprocessor } from '../../src/shared/model/preprocessor-config.ts';
import { buildDinov2Fixture, DINOV2_FIXTURE_DIM } from './make-dinov2-fixture.ts';
import {
  buildSiglipFixture,
  SIGLIP_FIXTURE_DIM,
  SIGLIP_FIXTURE_MAX_TOKENS,
} from './make-siglip-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'family-fixtures-'));
const read = (id: string, file: string) => readFileSync(join(dir, id, file));
const json = (id: string, file: string) => JSON.parse(read(id, file).toString('utf8'));

function expectIntactFolder(spec: ReturnType<typeof buildSiglipFixture>['spec']) {
  expect(parseModelSpec(json(spec.id, 'model.json'))).toEqual(spec);
  for (const f of spec.files!) {
    const bytes = read(spec.id, f.file);
    expect(bytes.length).toBe(f.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
  }
  // The spec's preprocessing is what the folder's own preprocessor_config.json says.
  expect(inputFromPreprocessor(json(spec.id, 'preprocessor_config.json'), spec.input).input).toEqual(
    spec.input,
  );
}

describe('the SigLIP fixture', () => {
  const { spec } = buildSiglipFixture({ dir });

  it('is laid out like a hub SigLIP export', () => {
    expect(spec.files!.map((f) => f.file).sort()).toEqual([
      'config.json',
      'onnx/text_model.onnx',
      'onnx/vision_model.onnx',
      'preprocessor_config.json',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(spec).toMatchObject({
      family: 'siglip',
      towers: { image: true, text: true },
      output: { name: 'pooler_output', dim: SIGLIP_FIXTURE_DIM },
      input: { resize: 'squash', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    });
    expect(json(spec.id, 'config.json').model_type).toBe('siglip');
    expect(json(spec.id, 'tokenizer_config.json')).toMatchObject({
      tokenizer_class: 'SiglipTokenizer',
      model_max_length: SIGLIP_FIXTURE_MAX_TOKENS,
    });
    expectIntactFolder(spec);
  });

  it('has the towers’ real inputs and outputs: no attention mask, pooler_output', async () => {
    const vision = await ort.InferenceSession.create(join(dir, spec.id, 'onnx/vision_model.onnx'));
    expect(vision.inputNames).toEqual(['pixel_values']);
    expect(vision.outputNames).toEqual(['last_hidden_state', 'pooler_output']);
    const text = await ort.InferenceSession.create(join(dir, spec.id, 'onnx/text_model.onnx'));
    expect(text.inputNames).toEqual(['input_ids']);
    expect(text.outputNames).toEqual(['last_hidden_state', 'pooler_output']);
    const ids = BigInt64Array.from({ length: 2 * SIGLIP_FIXTURE_MAX_TOKENS }, (_, i) => BigInt(i % 7));
    const out = await text.run({ input_ids: new ort.Tensor('int64', ids, [2, SIGLIP_FIXTURE_MAX_TOKENS]) });
    expect(out.last_hidden_state.dims).toEqual([2, SIGLIP_FIXTURE_MAX_TOKENS, SIGLIP_FIXTURE_DIM]);
    expect(out.pooler_output.dims).toEqual([2, SIGLIP_FIXTURE_DIM]);
    await Promise.all([vision.release(), text.release()]);
  });
});

describe('the DINOv2 fixture', () => {
  const { spec } = buildDinov2Fixture({ dir });

  it('is laid out like a hub DINOv2 export, image only', () => {
    expect(spec.files!.map((f) => f.file).sort()).toEqual([
      'config.json',
      'onnx/model.onnx',
      'preprocessor_config.json',
    ]);
    expect(spec).toMatchObject({
      family: 'dinov2',
      file: 'onnx/model.onnx',
      towers: { image: true, text: false },
      output: { name: 'pooler_output', dim: DINOV2_FIXTURE_DIM },
    });
    expect(json(spec.id, 'config.json').model_type).toBe('dinov2');
    expectIntactFolder(spec);
  });

  it('outputs last_hidden_state (CLS + patches) and pooler_output = its CLS row', async () => {
    const session = await ort.InferenceSession.create(join(dir, spec.id, 'onnx/model.onnx'));
    expect(session.inputNames).toEqual(['pixel_values']);
    expect(session.outputNames).toEqual(['last_hidden_state', 'pooler_output']);
    const { size } = spec.input;
    const pixels = Float32Array.from({ length: 2 * 3 * size * size }, (_, i) => Math.sin(i));
    const out = await session.run({ pixel_values: new ort.Tensor('float32', pixels, [2, 3, size, size]) });
    const [batch, tokens, width] = out.last_hidden_state.dims;
    expect([batch, tokens, width]).toEqual([2, 1 + (size / 14) ** 2, DINOV2_FIXTURE_DIM]);
    const hidden = out.last_hidden_state.data as Float32Array;
    const pooled = out.pooler_output.data as Float32Array;
    for (let b = 0; b < 2; b++) {
      expect(pooled.subarray(b * width, (b + 1) * width)).toEqual(
        hidden.subarray(b * tokens * width, b * tokens * width + width),
      );
    }
    await session.release();
  });
});

describe('fixture builds', () => {
  it('are reproducible, skip an intact folder and rebuild a damaged one', () => {
    const other = mkdtempSync(join(tmpdir(), 'family-fixtures-'));
    for (const build of [buildSiglipFixture, buildDinov2Fixture]) {
      const first = build({ dir });
      expect(build({ dir }).built).toBe(false);
      expect(build({ dir: other }).spec.files).toEqual(first.spec.files);
      writeFileSync(join(dir, first.spec.id, first.spec.file), 'damaged');
      const repaired = build({ dir });
      expect(repaired.built).toBe(true);
      expect(repaired.spec.files).toEqual(first.spec.files);
    }
  });
});
