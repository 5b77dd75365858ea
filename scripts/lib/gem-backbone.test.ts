import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageNode } from './decode-node.ts';
import { gemBackbone, pooledInputRows } from './gem-backbone.ts';
import { onnxNodeModel } from './node-model.ts';

const photo = readFileSync(
  resolve(
    import.meta.dirname,
    '../../../shared/datasets/clothing/images/ea7b6656-3f84-4eb3-9099-23e623fc1018.jpg',
  ),
);

describe('pooledInputRows', () => {
  it('averages the GeM halves of photo and mirror rows and makes them unit', () => {
    // Rows [average ‖ GeM] of two channels: the average half is ignored.
    const plain = Float32Array.of(9, 9, 3, 0, 9, 9, 0, 1);
    const mirrored = Float32Array.of(7, 7, 3, 8, 7, 7, 0, 3);
    expect(pooledInputRows(plain, mirrored, 2)).toEqual(Float32Array.of(0.6, 0.8, 0, 1));
    expect(pooledInputRows(plain, null, 2)).toEqual(Float32Array.of(1, 0, 0, 1));
  });
});

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
