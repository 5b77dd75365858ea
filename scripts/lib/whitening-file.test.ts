import { describe, expect, it } from 'vitest';
import {
  decodeWhiteningFile,
  encodeWhiteningFile,
  joinedWhitening,
  splitWhitening,
  WhiteningFileError,
} from './whitening-file.ts';

const file = {
  whitening: {
    dim: 3,
    out: 2,
    mean: Float32Array.of(0.1, 0.2, 0.3),
    projection: Float32Array.of(1, 2, 3, 4, 5, 6),
  },
  meta: { tail: 64, tailWeight: 0.283, learnedOn: 'ab'.repeat(32), learning: { seeds: [1] } },
};

describe('the whitening file', () => {
  it('reads back what it wrote', () => {
    expect(decodeWhiteningFile(encodeWhiteningFile(file))).toEqual(file);
  });

  it('refuses a foreign, truncated or padded file', () => {
    const bytes = encodeWhiteningFile(file);
    expect(() => decodeWhiteningFile(new TextEncoder().encode('LKHEAD01....'))).toThrow(
      WhiteningFileError,
    );
    expect(() => decodeWhiteningFile(bytes.subarray(0, bytes.length - 4))).toThrow(/bytes/);
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(() => decodeWhiteningFile(longer)).toThrow(/bytes/);
  });

  it('splits a whitening with a pooled input at the embedding, and joins it back', () => {
    // On [2 embedding dims ‖ 3 pooled dims], 2 output rows.
    const whole = {
      dim: 5,
      out: 2,
      mean: Float32Array.of(1, 2, 3, 4, 5),
      projection: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
    };
    const meta = {
      tail: 0,
      tailWeight: 0,
      blend: 0.35,
      learnedOn: 'cd'.repeat(32),
      learning: {},
      pooled: { layer: 'block_13_expand_relu', p: 3, dim: 3, mirror: true },
    };
    const parts = splitWhitening(whole, meta);
    expect(parts.whitening).toEqual({
      dim: 2,
      out: 2,
      mean: Float32Array.of(1, 2),
      projection: Float32Array.of(1, 2, 6, 7),
    });
    expect(parts.pooled).toEqual({
      mean: Float32Array.of(3, 4, 5),
      projection: Float32Array.of(3, 4, 5, 8, 9, 10),
    });
    const file = { ...parts, meta };
    expect(joinedWhitening(file)).toEqual(whole);
    const read = decodeWhiteningFile(encodeWhiteningFile(file));
    expect(read).toEqual(file);
    expect(joinedWhitening(read)).toEqual(whole);
  });
});
