/**
 * Browser decode (page or Web Worker): Blob to upright RGBA (EXIF orientation applied). A JPEG
 * goes through ImageDecoder, scaled as it decodes; anything else (or a browser without it)
 * through createImageBitmap, read through a VideoFrame or an OffscreenCanvas. Huge images are
 * decoded straight to a smaller size.
 */
import { checkPixelCount, fitWithin, jpegScaledSize, MAX_DECODE_SIDE } from './decode-limits.ts';
import { ImageDecodeError } from './decode-error.ts';
import { IMAGE_HEADER_BYTES, readImageHeader, type ImageHeader } from './image-header.ts';
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

/** RGBA bytes in their own (not shared) buffer: an ImageData can wrap them. */
type Pixels = Uint8ClampedArray<ArrayBuffer>;

/** A decoded photo, as the browser gives it. */
export interface BrowserImage extends DecodedImage {
  data: Pixels;
  /** The same picture as an upright bitmap, when asked for (the caller closes it). */
  picture?: ImageBitmap;
}

export interface DecodeOptions {
  /** Longest side to decode at (MAX_DECODE_SIDE). */
  maxSide?: number;
  /** The file's first bytes, if already read (`readHead`). */
  head?: Uint8Array;
  /** Also return the picture as a bitmap, for showing (it costs no decode or copy). */
  picture?: boolean;
}

/** Opaque frame formats: their RGBA copy needs no un-premultiplying, unlike a canvas read. */
const OPAQUE_FORMATS = new Set(['BGRX', 'RGBX']);

/**
 * A frame's upright RGBA pixels (one conversion copy), or null for a frame with alpha or one whose
 * upright size is not `upright`. Orientation rides along as the frame's clockwise `rotation` and
 * `flip` (absent in browsers without them: nothing to apply).
 */
async function uprightFramePixels(
  frame: VideoFrame,
  upright: { width: number; height: number },
): Promise<Pixels | null> {
  if (!frame.format || !OPAQUE_FORMATS.has(frame.format)) return null;
  const { codedWidth, codedHeight } = frame;
  const rotation = (frame as { rotation?: number }).rotation ?? 0;
  const flip = (frame as { flip?: boolean }).flip ?? false;
  const size = uprightSize(codedWidth, codedHeight, rotation);
  if (size.width !== upright.width || size.height !== upright.height) return null;
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
}

/**
 * The bitmap's pixels through a VideoFrame: one conversion copy, about 0.6 ms for a 400 × 534
 * photo where a canvas draw and read take 3 to 5 (Chromium 156, docs/latency.md). Only opaque
 * frames (JPEG and other alpha-free pictures); null where the browser cannot, so the caller
 * falls back to the canvas.
 */
export async function videoFramePixels(bitmap: ImageBitmap): Promise<Pixels | null> {
  if (typeof VideoFrame !== 'function') return null;
  let frame: VideoFrame | undefined;
  try {
    frame = new VideoFrame(bitmap, { timestamp: 0 });
    return await uprightFramePixels(frame, bitmap);
  } catch {
    return null;
  } finally {
    frame?.close();
  }
}

/** Set once ImageDecoder ignored a desired size: large JPEGs then go the usual way at once. */
let scalingIgnored = false;

/**
 * A JPEG decoded by the browser's ImageDecoder at the size `jpegScaledSize` picks: the decoder
 * scales by k/8 inside the inverse DCT, so a 12 MP phone photo costs about a quarter of a full
 * decode (docs/latency.md, "Phone-size photos"). Null where the browser cannot (no ImageDecoder,
 * another size than asked, a frame without orientation for an oriented photo): the caller
 * decodes the usual way, which also reports a damaged file.
 */
async function scaledJpegPixels(
  blob: Blob,
  header: ImageHeader,
  maxSide: number,
  withPicture: boolean,
): Promise<BrowserImage | null> {
  if (typeof ImageDecoder !== 'function' || typeof VideoFrame !== 'function') return null;
  const coded = jpegScaledSize(header.width, header.height);
  if (Math.max(coded.width, coded.height) > maxSide) return null;
  const scaled = coded.width !== header.width;
  if (scaled && scalingIgnored) return null;
  let decoder: ImageDecoder | undefined;
  let frame: VideoFrame | undefined;
  try {
    decoder = new ImageDecoder({
      data: blob.stream(),
      type: 'image/jpeg',
      desiredWidth: coded.width,
      desiredHeight: coded.height,
    });
    frame = (await decoder.decode()).image;
    if (frame.codedWidth !== coded.width || frame.codedHeight !== coded.height) {
      // This browser decodes whole whatever is asked: don't pay for two decodes again.
      if (scaled) scalingIgnored = true;
      return null;
    }
    if (header.orientation !== 1 && !('rotation' in frame)) return null;
    const upright = header.orientation >= 5 ? { width: coded.height, height: coded.width } : coded;
    const data = await uprightFramePixels(frame, upright);
    if (!data) return null;
    const source = { sourceWidth: header.uprightWidth, sourceHeight: header.uprightHeight };
    // A bitmap of the frame shares its pixels (no copy) and is drawn upright.
    const picture = withPicture ? await createImageBitmap(frame) : undefined;
    return { data, ...upright, ...source, ...(picture && { picture }) };
  } catch {
    return null;
  } finally {
    frame?.close();
    decoder?.close();
  }
}

/** The bitmap's pixels through a 2D canvas: every picture, alpha included. */
export function canvasPixels(bitmap: ImageBitmap): Pixels {
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
 * header is readable) and a JPEG's shorter side scaled down towards MIN_SCALED_SIDE. Throws
 * ImageDecodeError on empty or undecodable input.
 */
export async function decodeImageBlob(
  blob: Blob,
  options: DecodeOptions & { picture: true },
): Promise<BrowserImage & { picture: ImageBitmap }>;
export async function decodeImageBlob(blob: Blob, options?: DecodeOptions): Promise<BrowserImage>;
export async function decodeImageBlob(
  blob: Blob,
  { maxSide = MAX_DECODE_SIDE, head, picture = false }: DecodeOptions = {},
): Promise<BrowserImage> {
  if (blob.size === 0) throw new ImageDecodeError('empty', 'The file is empty.');
  head ??= await readHead(blob);
  const header = readImageHeader(head);
  if (header) checkPixelCount(header.width, header.height);
  if (header?.format === 'jpeg') {
    const scaled = await scaledJpegPixels(blob, header, maxSide, picture);
    if (scaled) return scaled;
  }
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
  let kept = false;
  try {
    const { width, height } = bitmap;
    const data = (await videoFramePixels(bitmap)) ?? canvasPixels(bitmap);
    kept = picture;
    const size = { width, height, sourceWidth: source.width, sourceHeight: source.height };
    return { data, ...size, ...(picture && { picture: bitmap }) };
  } finally {
    if (!kept) bitmap.close();
  }
}
