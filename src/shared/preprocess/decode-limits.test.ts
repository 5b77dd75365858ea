import { describe, expect, it } from 'vitest';
import { ImageDecodeError } from './decode-error.ts';
import { checkPixelCount, fitWithin, MAX_DECODE_PIXELS, MAX_DECODE_SIDE } from './decode-limits.ts';

describe('decode limits', () => {
  it('fits the longest side within MAX_DECODE_SIDE, keeping the aspect ratio', () => {
    expect(fitWithin(400, 533)).toEqual({ width: 400, height: 533 });
    expect(fitWithin(8000, 40)).toEqual({ width: MAX_DECODE_SIDE, height: 10 });
    expect(fitWithin(100_000, 1)).toEqual({ width: MAX_DECODE_SIDE, height: 1 });
  });

  it("refuses images over sharp's pixel limit, with the sizes in the message", () => {
    expect(MAX_DECODE_PIXELS).toBe(268_402_689);
    expect(() => checkPixelCount(16383, 16383)).not.toThrow();
    expect(() => checkPixelCount(12000, 12000)).not.toThrow();
    expect(() => checkPixelCount(16384, 16383)).toThrow(ImageDecodeError);
    let error: unknown;
    try {
      checkPixelCount(20000, 20000);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      name: 'ImageDecodeError',
      reason: 'too-large',
      message:
        'This image is 20000 × 20000 pixels (400 megapixels); images up to 268 megapixels are accepted.',
    });
  });
});
