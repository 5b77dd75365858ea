/**
 * Turns the shopper's photo (a file's Blob or a camera frame's ImageBitmap) into upright RGBA,
 * once, with what the page shows of it.
 */
import {
  canvasPixels,
  decodeImageBlob,
  readHead,
  videoFramePixels,
} from '../../shared/preprocess/decode-browser.ts';
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
  /** The photo as an upright bitmap, transferred to the page (which then decodes nothing). */
  preview: ImageBitmap;
}

/** A camera frame drawn downscaled into a canvas: for a frame over the size limit. */
function scaledFramePixels(bitmap: ImageBitmap): DecodedPhoto {
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

/**
 * A camera frame is already decoded and upright: its pixels, copied out (a VideoFrame copy where
 * the browser can, else a canvas read), and the frame itself goes back to the page as the
 * preview. A frame over the size limit is drawn smaller first.
 */
async function framePixels(bitmap: ImageBitmap): Promise<DecodedPhoto> {
  const fit = fitWithin(bitmap.width, bitmap.height);
  if (fit.width !== bitmap.width || fit.height !== bitmap.height) {
    try {
      return scaledFramePixels(bitmap);
    } finally {
      bitmap.close();
    }
  }
  const { width, height } = bitmap;
  try {
    const data = (await videoFramePixels(bitmap)) ?? canvasPixels(bitmap);
    return { image: { data, width, height }, preview: bitmap };
  } catch (error) {
    bitmap.close();
    throw error;
  }
}

export async function decodeQueryPhoto(source: Blob | ImageBitmap): Promise<DecodedPhoto> {
  if (source instanceof Blob) {
    const head = await checkBlob(source);
    // The decoder's own bitmap is the preview: the page re-decoding the file took 200 ms or
    // more of one of the phone's few cores for a 12 MP photo.
    const { data, width, height, picture } = await decodeImageBlob(source, { head, picture: true });
    return { image: { data, width, height }, preview: picture };
  }
  if (!source.width || !source.height) {
    source.close();
    throw new UnsupportedImageError('The camera frame is empty.');
  }
  return framePixels(source);
}
