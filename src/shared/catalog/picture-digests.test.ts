import { describe, expect, it } from 'vitest';
import {
  checkPictureDigests,
  digestAt,
  encodePictureDigests,
  pictureDigest,
} from './picture-digests.ts';

describe('picture digests', () => {
  const pictures = [new Uint8Array([1, 2, 3]), new Uint8Array([]), new Uint8Array(1000).fill(7)];

  it('stores a 128-bit sha256 prefix per picture, in item order', async () => {
    const file = await encodePictureDigests(pictures);
    expect(file.byteLength).toBe(48);
    // sha256("") starts e3b0c442 98fc1c14 9afbf4c8 996fb924.
    expect(digestAt(file, 1)).toBe('e3b0c44298fc1c149afbf4c8996fb924');
    for (const [i, p] of pictures.entries()) expect(digestAt(file, i)).toBe(await pictureDigest(p));
  });

  it('refuses a file that does not hold one digest per item', async () => {
    const file = await encodePictureDigests(pictures);
    expect(checkPictureDigests(file, 3)).toBe(file);
    expect(() => checkPictureDigests(file, 4)).toThrow(/48 bytes, not 64/);
  });
});
