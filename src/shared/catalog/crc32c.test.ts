import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.ts';

describe('crc32c', () => {
  it('gives the standard check value and known vectors', () => {
    const ascii = (text: string) => new TextEncoder().encode(text);
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    // RFC 3720 B.4: 32 bytes of zeros, of 0xff, and ascending.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  it('can continue across pieces', () => {
    const bytes = Uint8Array.from({ length: 1001 }, (_, i) => (i * 37) & 0xff);
    for (const cut of [0, 1, 7, 8, 9, 500, 1001]) {
      expect(crc32c(bytes.subarray(cut), crc32c(bytes.subarray(0, cut)))).toBe(crc32c(bytes));
    }
  });
});
