/**
 * Turns the shopper's photo (a file's Blob or a camera frame's ImageBitmap) into upright RGBA,
 * once, with what the page shows of it.
 */
import { decodeImageBlob, readHead } from '../../shared/preprocess/decode-browser.ts';
import { fitWithin } from '../../shared/preprocess/decode-limits.ts';
import type { RgbaImage } from '../../shared/preprocess/rgba-image.ts';
import { MAX_QUERY_BYTES } from '../../engine-api/limits.ts';
import { ImageTooLargeError, UnsupportedImageError } from '../errors.ts';
import { DECODABLE_FORMATS, SNIFF_BYTES, sniffImageFormat } from './sniff-image.ts';

/**
 * Checks size and content (magic bytes, not the name) before handing a Blob to the decoder;
 * returns the file's first bytes, read once for this check and the decoder's header.
 */
async function checkBlob(blob: Blob): Promise<Uint8Array> {
  if (blob.size > MAX_QUERY_BYTES) throw new ImageTooLargeError(blob.size);
  if (blob.size === 0) throw new UnsupportedImageError('This file is empty.');
  const head = await readHead(blob);
  const format = sniffImageFormat(head.subarray(0, SNIFF_BYTES));
  if (format === 'heic') {
    throw new UnsupportedImageError(
      'HEIC photos cannot be read by this browser. Share the photo as JPEG, or take it with the camera here.',
    );
  }
  if (!format || !DECODABLE_FORMATS.has(format)) {
    throw new UnsupportedImageError(
      'This file is not a photo the app can read. Use a JPEG, PNG, WebP, GIF, AVIF or BMP image.',
    );
  }
  return head;
}

/** What a decode gives: the pixels to search, and the picture for the page to show. */
export interface DecodedPhoto {
  image: RgbaImage;
  /** The decoded pixels as a bitmap, transferred to the page (which then decodes nothing). */
  preview: ImageBitmap;
}

/** A camera frame is already decoded and upright: read its pixels, downscaled if huge. */
function framePixels(bitmap: ImageBitmap): DecodedPhoto {
  const { width, height } = fitWithin(bitmap.width, bitmap.height);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new UnsupportedImageError('No 2D canvas to read the camera frame with.');
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  const image = { data: context.getImageData(0, 0, width, height).data, width, height };
  // The canvas's own bitmap, handed over without a copy: the page paints it.
  return { image, preview: canvas.transferToImageBitmap() };
}

export async function decodeQueryPhoto(source: Blob | ImageBitmap): Promise<DecodedPhoto> {
  if (source instanceof Blob) {
    const head = await checkBlob(source);
    const { data, width, height } = await decodeImageBlob(source, undefined, head);
    const image = { data, width, height };
    // Drawn from the pixels already decoded (a copy, about 1 ms for a 12 MP photo's 1008 × 756):
    // the page re-decoding the file took 200 ms or more of one of the phone's few cores.
    return { image, preview: await createImageBitmap(new ImageData(data, width, height)) };
  }
  try {
    if (!source.width || !source.height)
      throw new UnsupportedImageError('The camera frame is empty.');
    return framePixels(source);
  } finally {
    source.close();
  }
}
