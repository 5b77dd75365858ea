import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageNode } from './decode-node.ts';
import { gemBackbone } from './gem-backbone.ts';
import { onnxNodeModel } from './node-model.ts';

const photo = readFileSync(
  resolve(
    import.meta.dirname,
    '../../../shared/datasets/clothing/images/ea7b6656-3f84-4eb3-9099-23e623fc1018.jpg',
  ),
);

describe('gemBackbone', () => {
  it('gives the average pool twice at p 1, and a GeM pool at least as large at p 3', async () => {
    const image = await decodeImageNode(photo);
    const rows = async (p: number) => {
      const { onnx, spec } = gemBackbone('block_13_expand_relu', p);
      const model = await onnxNodeModel(spec, onnx, { threads: 1 });
      const out = await model.embedImages([image]);
      await model.dispose();
      return out;
    };
    const one = await rows(1);
    const half = one.length / 2;
    expect(half).toBe(576);
    for (let j = 0; j < half; j++) expect(one[half + j]).toBeCloseTo(one[j], 4);
    const three = await rows(3);
    for (let j = 0; j < half; j++) {
      expect(three[j]).toBeCloseTo(one[j], 5);
      // The power mean never falls below the plain mean of non-negative values.
      expect(three[half + j]).toBeGreaterThanOrEqual(three[j] - 1e-5);
    }
  }, 60_000);
});
