/**
 * A synthetic catalog that any part of a benchmark can regenerate row by row from a seed, so
 * each subject builds its own copy without a second catalog kept in memory.
 */

/** Codes uniform in [-127, 127]; scales make rows roughly unit length, like real embeddings. */
export class SyntheticCatalog {
  constructor(
    readonly n: number,
    readonly d: number,
    readonly seed: number,
  ) {}

  /** Writes rows [from, from + count) into codes (count × d) and scales (count). */
  fill(from: number, count: number, codes: Int8Array, scales: Float32Array): void {
    const { d } = this;
    const norm = 127 * Math.sqrt(d / 3);
    for (let r = 0; r < count; r++) {
      // xorshift32 seeded per row, so any slice can be made on its own.
      let s = (Math.imul(from + r + 1, 0x9e3779b1) ^ this.seed) | 1;
      const at = r * d;
      for (let j = 0; j < d; j += 4) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        for (let b = 0; b < 4 && j + b < d; b++)
          codes[at + j + b] = (((s >>> (8 * b)) & 0xff) % 255) - 127;
      }
      scales[r] = (0.9 + 0.2 * ((s >>> 0) / 4294967296)) / norm;
    }
  }

  /** Seeded random unit-ish float queries. */
  queries(count: number): Float32Array[] {
    let s = this.seed ^ 0x51ed270b;
    return Array.from({ length: count }, () =>
      Float32Array.from({ length: this.d }, () => {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        return (s >>> 0) / 4294967296 - 0.5;
      }),
    );
  }

  /** A filter mask keeping about `density` of the items. */
  mask(density: number): Uint8Array {
    const mask = new Uint8Array(Math.ceil(this.n / 8));
    let s = this.seed ^ 0x2545f491;
    for (let i = 0; i < this.n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      if ((s >>> 0) / 4294967296 < density) mask[i >> 3] |= 1 << (i & 7);
    }
    return mask;
  }
}
