import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.ts';
import { initHead } from './head-weights.ts';
import { decodeHeadFile, encodeHeadFile, HeadFileError } from './head-file.ts';

const meta = { layers: ['a', 'b'], views: 'average' as const, training: { seed: 3 } };

describe('head weights file', () => {
  for (const hidden of [0, 4]) {
    it(`round-trips a ${hidden ? 'MLP' : 'linear'} head exactly`, () => {
      const random = seededRandom(hidden + 1);
      const mean = Float32Array.from({ length: 6 }, () => random());
      const invStd = Float32Array.from({ length: 6 }, () => 1 + random());
      const head = initHead({ input: 6, hidden, output: 3 }, mean, invStd, random);
      const decoded = decodeHeadFile(encodeHeadFile(head, meta));
      expect(decoded.meta).toEqual(meta);
      expect(decoded.head).toEqual(head);
    });
  }

  it('rejects foreign, truncated and inconsistent files', () => {
    const head = initHead(
      { input: 2, hidden: 0, output: 2 },
      new Float32Array(2),
      new Float32Array(2).fill(1),
      seededRandom(1),
    );
    const bytes = encodeHeadFile(head, meta);
    expect(() => decodeHeadFile(new Uint8Array(20))).toThrow(HeadFileError);
    expect(() => decodeHeadFile(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
    const wrongShape = encodeHeadFile({ ...head, shape: { input: 2, hidden: 0, output: 3 } }, meta);
    expect(() => decodeHeadFile(wrongShape)).toThrow(/w1 has 4 values/);
  });
});
