/** CRC-32C (Castagnoli), synchronous and table-driven (slicing by 8): the shard trailer checksum. */

const POLYNOMIAL = 0x82f63b78; // reflected Castagnoli polynomial

/** 8 tables of 256 entries: table t maps a byte seen t positions earlier to its CRC contribution. */
const TABLES = (() => {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) {
      const previous = tables[(t - 1) * 256 + n];
      tables[t * 256 + n] = (previous >>> 8) ^ tables[previous & 0xff];
    }
  }
  return tables;
})();

/** CRC-32C of `bytes` (continuing from `crc` when hashing in pieces). */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  const t = TABLES;
  let c = ~crc >>> 0;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  for (; i < end8; i += 8) {
    const lo =
      (c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    c =
      t[7 * 256 + (lo & 0xff)] ^
      t[6 * 256 + ((lo >>> 8) & 0xff)] ^
      t[5 * 256 + ((lo >>> 16) & 0xff)] ^
      t[4 * 256 + (lo >>> 24)] ^
      t[3 * 256 + bytes[i + 4]] ^
      t[2 * 256 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
  }
  for (; i < bytes.length; i++) c = (c >>> 8) ^ t[(c ^ bytes[i]) & 0xff];
  return ~c >>> 0;
}
