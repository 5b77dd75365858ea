import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { parseModelSpec } from '../../src/shared/catalog/validate-manifest.ts';
import { buildClipFixture, CLIP_FIXTURE_DIM, CLIP_FIXTURE_ID } from './make-clip-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'clip-fixture-'));
const folder = join(dir, CLIP_FIXTURE_ID);

describe('the CLIP fixture', () => {
  const { spec, built } = buildClipFixture({ dir });

  it('writes the Hugging Face layout with a valid spec listing every file', () => {
    expect(built).toBe(true);
    expect(parseModelSpec(JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')))).toEqual(
      spec,
    );
    expect(spec.files!.map((f) => f.file).sort()).toEqual([
      'config.json',
      'onnx/text_model.onnx',
      'onnx/vision_model.onnx',
      'preprocessor_config.json',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    for (const f of spec.files!) {
      const bytes = readFileSync(join(folder, f.file));
      expect(bytes.length).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
    }
    expect(spec).toMatchObject({
      runtime: 'transformers',
      file: 'onnx/vision_model.onnx',
      towers: { image: true, text: true },
      output: { name: 'image_embeds', dim: CLIP_FIXTURE_DIM },
    });
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
    expect(config.model_type).toBe('clip');
  });

  it('has the input and output names transformers.js feeds and reads', async () => {
    const vision = await ort.InferenceSession.create(join(folder, 'onnx/vision_model.onnx'));
    expect(vision.inputNames).toEqual(['pixel_values']);
    expect(vision.outputNames).toEqual(['image_embeds']);
    const text = await ort.InferenceSession.create(join(folder, 'onnx/text_model.onnx'));
    expect(text.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect(text.outputNames).toEqual(['text_embeds']);
    const ids = new ort.Tensor('int64', BigInt64Array.from([2n, 10n, 3n]), [1, 3]);
    const mask = new ort.Tensor('int64', BigInt64Array.from([1n, 1n, 1n]), [1, 3]);
    const out = await text.run({ input_ids: ids, attention_mask: mask });
    expect(out.text_embeds.dims).toEqual([1, CLIP_FIXTURE_DIM]);
    await Promise.all([vision.release(), text.release()]);
  });

  it('is deterministic, skips an intact build and rebuilds a damaged one', () => {
    const again = buildClipFixture({ dir });
    expect(again.built).toBe(false);
    const other = buildClipFixture({ dir: mkdtempSync(join(tmpdir(), 'clip-fixture-')) });
    expect(other.spec.files).toEqual(spec.files);
    writeFileSync(join(folder, 'onnx/text_model.onnx'), 'damaged');
    const repaired = buildClipFixture({ dir });
    expect(repaired.built).toBe(true);
    expect(repaired.spec.files).toEqual(spec.files);
  });
});
