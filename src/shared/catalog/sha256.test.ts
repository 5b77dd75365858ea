import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../search/seeded-random.ts';
import { sha256Hex, sha256HexSync } from './sha256.ts';

describe('sha256Hex', () => {
  const random = seededRandom(3);
  // Lengths around the 64-byte block and the 56-byte padding boundary.
  it.each([0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 65_537])(
    '%i bytes: Web Crypto and the fallback both match node:crypto',
    async (length) => {
      const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
      const expected = createHash('sha256').update(bytes).digest('hex');
      expect(await sha256Hex(bytes)).toBe(expected);
      expect(sha256HexSync(bytes)).toBe(expected);
    },
  );

  it('hashes a view, not its whole buffer', async () => {
    const buffer = Uint8Array.from({ length: 100 }, (_, i) => i);
    const view = buffer.subarray(10, 20);
    const expected = createHash('sha256').update(view).digest('hex');
    expect(await sha256Hex(view)).toBe(expected);
    expect(sha256HexSync(view)).toBe(expected);
  });
});
