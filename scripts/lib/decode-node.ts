/** Node decode with sharp: a path or bytes to upright RGBA, same max-side rule and error as the browser. */
import sharp from 'sharp';
import { ImageDecodeError } from '../../src/shared/preprocess/decode-error.ts';
import {
  checkPixelCount,
  fitWithin,
  MAX_DECODE_PIXELS,
  MAX_DECODE_SIDE,
} from '../../src/shared/preprocess/decode-limits.ts';
import type { DecodedImage } from '../../src/shared/preprocess/rgba-image.ts';

function decodeError(error: unknown, what: string): ImageDecodeError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new ImageDecodeError('too-large', `${what} has more pixels than sharp decodes.`, {
      cause: error,
    });
  }
  return new ImageDecodeError('undecodable', `${what} is not a decodable image (${message}).`, {
    cause: error,
  });
}

/**
 * Decodes a photo (file path or encoded bytes) to RGBA, rotated upright per its EXIF
 * orientation, its longest side at most `maxSide`. Throws ImageDecodeError when it cannot.
 */
export async function decodeImageNode(
  input: string | Uint8Array,
  maxSide: number = MAX_DECODE_SIDE,
): Promise<DecodedImage> {
  const what = typeof input === 'string' ? input : 'The image data';
  if (typeof input !== 'string' && input.byteLength === 0) {
    throw new ImageDecodeError('empty', 'The image data is empty.');
  }
  try {
    const image = sharp(input, { failOn: 'error', limitInputPixels: MAX_DECODE_PIXELS }).rotate();
    const meta = await image.metadata();
    // From the header, with the browser's message (sharp would refuse it too, less clearly).
    checkPixelCount(meta.width, meta.height);
    const swap = (meta.orientation ?? 1) >= 5;
    const sourceWidth = swap ? meta.height : meta.width;
    const sourceHeight = swap ? meta.width : meta.height;
    const fit = fitWithin(sourceWidth, sourceHeight, maxSide);
    if (fit.width * fit.height < sourceWidth * sourceHeight) {
      image.resize(fit.width, fit.height, { fit: 'fill' });
    }
    // sRGB first: greyscale or CMYK sources would otherwise give 2 or 5 channels.
    const { data, info } = await image
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`decoded to ${info.channels} channels, not RGBA`);
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { data: pixels, width: info.width, height: info.height, sourceWidth, sourceHeight };
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    throw decodeError(error, what);
  }
}
