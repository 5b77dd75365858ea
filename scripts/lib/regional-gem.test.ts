import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageNode } from './decode-node.ts';
import { gemBackbone } from './gem-backbone.ts';
import { onnxNodeModel } from './node-model.ts';
import {
  cornerWindows,
  mirroredCorner,
  regionalGemBackbone,
  windowRows,
  windowStart,
} from './regional-gem.ts';

const photo = readFileSync(
  resolve(
    import.meta.dirname,
    '../../../shared/datasets/clothing/images/ea7b6656-3f84-4eb3-9099-23e623fc1018.jpg',
  ),
);

describe('map windows', () => {
  it('starts each corner window where it belongs on the map', () => {
    expect(cornerWindows([10]).map((w) => windowStart(w, 14))).toEqual([
      [0, 0],
      [0, 4],
      [4, 0],
      [4, 4],
    ]);
    expect(mirroredCorner('tl')).toBe('tr');
    expect(mirroredCorner('br')).toBe('bl');
  });

  it("averages a window with its mirror image's twin corner, unit rows", () => {
    const windows = cornerWindows([10]);
    // One row, 4 windows of 1 channel; windows tl, tr, bl, br.
    const plain = Float32Array.of(1, 2, 3, 4);
    const mirrored = Float32Array.of(5, 6, 7, 8);
    // tl of the photo is tr of the mirror image: (1 + 6) / 2, then unit.
    expect(windowRows(plain, mirrored, windows, 0, 1)).toEqual(Float32Array.of(1));
    const two = windowRows(Float32Array.of(3, 4), null, cornerWindows([10]).slice(0, 1), 0, 2);
    expect(Array.from(two)).toEqual([0.6000000238418579, 0.800000011920929]);
  });
});

describe('regionalGemBackbone', () => {
  it('gives the whole map GeM for a window as large as the map', async () => {
    const image = await decodeImageNode(photo);
    const run = async (built: ReturnType<typeof gemBackbone>) => {
      const model = await onnxNodeModel(built.spec, built.onnx, { threads: 1 });
      const out = await model.embedImages([image]);
      await model.dispose();
      return out;
    };
    const whole = await run(gemBackbone('block_13_expand_relu', 3));
    const windows = [...cornerWindows([14]).slice(0, 1), ...cornerWindows([10])];
    const regional = await run(regionalGemBackbone('block_13_expand_relu', 3, windows));
    expect(regional.length).toBe(5 * 576);
    for (let j = 0; j < 576; j++) expect(regional[j]).toBeCloseTo(whole[576 + j], 4);
    // Corner windows differ from each other and from the whole map.
    expect(regional[576 + 7]).not.toBeCloseTo(regional[2 * 576 + 7], 6);
  }, 60_000);
});
