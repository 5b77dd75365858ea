/**
 * Browser decode (page or Web Worker): Blob to upright RGBA with createImageBitmap (EXIF
 * orientation applied), read through a VideoFrame or an OffscreenCanvas; huge images are
 * decoded straight to a smaller size.
 */
import { checkPixelCount, fitWithin, MAX_DECODE_SIDE } from './decode-limits.ts';
import { ImageDecodeError } from './decode-error.ts';
import { IMAGE_HEADER_BYTES, readImageHeader } from './image-header.ts';
import { orientPixels, uprightSize } from './orient-pixels.ts';
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

/** Opaque frame formats: their RGBA copy needs no un-premultiplying, unlike a canvas read. */
const OPAQUE_FORMATS = new Set(['BGRX', 'RGBX']);

/**
 * The bitmap's pixels through a VideoFrame: one conversion copy, about 0.6 ms for a 400 × 534
 * photo where a canvas draw and read take 3 to 5 (Chromium 156, docs/latency.md). Only opaque
 * frames (JPEG and other alpha-free pictures); null where the browser cannot, so the caller
 * falls back to the canvas.
 */
export async function videoFramePixels(bitmap: ImageBitmap): Promise<Uint8ClampedArray | null> {
  if (typeof VideoFrame !== 'function') return null;
  let frame: VideoFrame | undefined;
  try {
    frame = new VideoFrame(bitmap, { timestamp: 0 });
    if (!frame.format || !OPAQUE_FORMATS.has(frame.format)) return null;
    const { codedWidth, codedHeight } = frame;
    // Orientation rides along as metadata (absent in browsers without it: nothing to apply).
    const rotation = (frame as { rotation?: number }).rotation ?? 0;
    const flip = (frame as { flip?: boolean }).flip ?? false;
    const upright = uprightSize(codedWidth, codedHeight, rotation);
    if (upright.width !== bitmap.width || upright.height !== bitmap.height) return null;
    const coded = new Uint8ClampedArray(frame.allocationSize({ format: 'RGBA' }));
    const [plane] = await frame.copyTo(coded, { format: 'RGBA' });
    if (rotation === 0 && !flip && plane.stride === codedWidth * 4 && plane.offset === 0) {
      return coded.length === codedWidth * codedHeight * 4 ? coded : null;
    }
    return orientPixels(
      coded.subarray(plane.offset),
      codedWidth,
      codedHeight,
      plane.stride,
      rotation,
      flip,
    );
  } catch {
    return null;
  } finally {
    frame?.close();
  }
}

/** The bitmap's pixels through a 2D canvas: every picture, alpha included. */
export function canvasPixels(bitmap: ImageBitmap): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new ImageDecodeError('undecodable', 'No 2D canvas to read the pixels with.');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height).data;
}

/** The first bytes of `blob`, as many as `decodeImageBlob` reads its header from. */
export async function readHead(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(0, IMAGE_HEADER_BYTES).arrayBuffer());
}

/**
 * Decodes `blob` to RGBA, upright, with its longest side at most `maxSide` (the size is read
 * from the file header first so a 12000x12000 PNG is never decoded at full size when the
 * header is readable). Throws ImageDecodeError on empty or undecodable input.
 */
export async function decodeImageBlob(
  blob: Blob,
  maxSide: number = MAX_DECODE_SIDE,
  head?: Uint8Array,
): Promise<DecodedImage> {
  if (blob.size === 0) throw new ImageDecodeError('empty', 'The file is empty.');
  head ??= await readHead(blob);
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
      data: (await videoFramePixels(bitmap)) ?? canvasPixels(bitmap),
      width,
      height,
      sourceWidth: source.width,
      sourceHeight: source.height,
    };
  } finally {
    bitmap.close();
  }
}
