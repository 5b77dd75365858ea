/**
 * Browser decode (page or Web Worker): Blob to upright RGBA with createImageBitmap (EXIF
 * orientation applied) and OffscreenCanvas; huge images are decoded straight to a smaller size.
 */
import { checkPixelCount, fitWithin, MAX_DECODE_SIDE } from './decode-limits.ts';
import { ImageDecodeError } from './decode-error.ts';
import { IMAGE_HEADER_BYTES, readImageHeader } from './image-header.ts';
import type { DecodedImage } from './rgba-image.ts';

async function bitmapOf(
  source: ImageBitmapSource,
  options: ImageBitmapOptions,
): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(source, options);
  } catch (error) {
    throw new ImageDecodeError('undecodable', 'The file is not an image this browser can decode.', {
      cause: error,
    });
  }
}

function pixelsOf(bitmap: ImageBitmap): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new ImageDecodeError('undecodable', 'No 2D canvas to read the pixels with.');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height).data;
}

/**
 * Decodes `blob` to RGBA, upright, with its longest side at most `maxSide` (the size is read
 * from the file header first so a 12000x12000 PNG is never decoded at full size when the
 * header is readable). Throws ImageDecodeError on empty or undecodable input.
 */
export async function decodeImageBlob(
  blob: Blob,
  maxSide: number = MAX_DECODE_SIDE,
): Promise<DecodedImage> {
  if (blob.size === 0) throw new ImageDecodeError('empty', 'The file is empty.');
  const head = new Uint8Array(await blob.slice(0, IMAGE_HEADER_BYTES).arrayBuffer());
  const header = readImageHeader(head);
  if (header) checkPixelCount(header.width, header.height);
  const options: ImageBitmapOptions = { imageOrientation: 'from-image' };

  let bitmap: ImageBitmap;
  let source: { width: number; height: number };
  const target = header && fitWithin(header.uprightWidth, header.uprightHeight, maxSide);
  if (header && target && target.width * target.height < header.width * header.height) {
    // Resize sizes apply to the upright image, so the orientation-swapped size is the one to fit.
    // (Only JPEG orientation is read; PNG/WebP orientation tags are rare and taken as 1.)
    bitmap = await bitmapOf(blob, {
      ...options,
      resizeWidth: target.width,
      resizeHeight: target.height,
      resizeQuality: 'high',
    });
    source = { width: header.uprightWidth, height: header.uprightHeight };
  } else {
    bitmap = await bitmapOf(blob, options);
    source = { width: bitmap.width, height: bitmap.height };
    const fit = fitWithin(bitmap.width, bitmap.height, maxSide);
    if (fit.width !== bitmap.width || fit.height !== bitmap.height) {
      // Header unreadable (another format): fall back to decode, then downscale.
      const full = bitmap;
      bitmap = await bitmapOf(full, {
        resizeWidth: fit.width,
        resizeHeight: fit.height,
        resizeQuality: 'high',
      });
      full.close();
    }
  }
  try {
    const { width, height } = bitmap;
    return {
      data: pixelsOf(bitmap),
      width,
      height,
      sourceWidth: source.width,
      sourceHeight: source.height,
    };
  } finally {
    bitmap.close();
  }
}
