import { describe, expect, it } from 'vitest';
import { channelValues, scaleChannels } from './folded-weights.ts';

describe('scaleChannels', () => {
  // Two channels of three codes, coded as min + scale * code.
  const weights = { codes: new Uint8Array([0, 128, 255, 10, 20, 30]), min: -0.5, scale: 0.01 };
  const original = Array.from(weights.codes, (q) => weights.min + weights.scale * q);

  it('multiplies each channel by its factor without re-quantising', () => {
    const scaled = channelValues(scaleChannels(weights, new Float64Array([2, 0.25])));
    const expected = original.map((v, i) => v * (i < 3 ? 2 : 0.25));
    scaled.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  it('keeps scales positive for a negative factor by flipping the codes', () => {
    const folded = scaleChannels(weights, new Float64Array([-3, 1]));
    expect(folded.scales[0]).toBeGreaterThan(0);
    expect(Array.from(folded.codes.subarray(0, 3))).toEqual([255, 127, 0]);
    const values = channelValues(folded);
    original.forEach((v, i) => expect(values[i]).toBeCloseTo(v * (i < 3 ? -3 : 1), 6));
  });

  it('rejects a channel count that does not divide the codes', () => {
    expect(() => scaleChannels(weights, new Float64Array(4))).toThrow(/do not split/);
  });
});
