import { describe, expect, it } from 'vitest';
import { decodeWhiteningFile, encodeWhiteningFile, WhiteningFileError } from './whitening-file.ts';

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
});
