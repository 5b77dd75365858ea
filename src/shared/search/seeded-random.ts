/**
 * Mulberry32: a tiny seeded PRNG, so sampled queries, test data and the build tools' splits and
 * augmentations are the same on every run. The project's only one (scripts/lib adds helpers).
 */
export type Random = () => number;

/** Uniform floats in [0, 1) from a 32-bit seed; the same seed always yields the same stream. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
