import { describe, expect, it } from 'vitest';
import { ImageDecodeError } from './decode-error.ts';
import {
  checkPixelCount,
  fitWithin,
  jpegScaledSize,
  MAX_DECODE_PIXELS,
  MAX_DECODE_SIDE,
} from './decode-limits.ts';

describe('decode limits', () => {
  it('fits the longest side within MAX_DECODE_SIDE, keeping the aspect ratio', () => {
    expect(fitWithin(400, 533)).toEqual({ width: 400, height: 533 });
    expect(fitWithin(8000, 40)).toEqual({ width: MAX_DECODE_SIDE, height: 10 });
    expect(fitWithin(100_000, 1)).toEqual({ width: MAX_DECODE_SIDE, height: 1 });
  });

  it('scales a JPEG by the smallest k/8 that keeps its shorter side at least 672 px', () => {
    expect(jpegScaledSize(4032, 3024)).toEqual({ width: 1008, height: 756 });
    expect(jpegScaledSize(3024, 4032)).toEqual({ width: 756, height: 1008 });
    // 8000 x 6000 at 1/8; 1920 x 1080 at 5/8 (675 px); rounded up as libjpeg does.
    expect(jpegScaledSize(8000, 6000)).toEqual({ width: 1000, height: 750 });
    expect(jpegScaledSize(1920, 1080)).toEqual({ width: 1200, height: 675 });
    expect(jpegScaledSize(1001, 1001, 100)).toEqual({ width: 126, height: 126 });
    // Already small, or too narrow for any smaller scale: decoded whole.
    expect(jpegScaledSize(400, 534)).toEqual({ width: 400, height: 534 });
    expect(jpegScaledSize(700, 5000)).toEqual({ width: 700, height: 5000 });
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
