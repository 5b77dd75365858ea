/**
 * Reads an image's size (and a JPEG's EXIF orientation) from its first bytes, without decoding,
 * so a huge photo can be decoded straight to a smaller size.
 */

export interface ImageHeader {
  format: 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp';
  /** Stored size, before orientation. */
  width: number;
  height: number;
  /** EXIF orientation 1-8 (1 when absent or not read for this format). */
  orientation: number;
  /** Size as displayed: width and height swapped for orientations 5-8. */
  uprightWidth: number;
  uprightHeight: number;
}

/** How many leading bytes to pass: enough for a JPEG's EXIF block (64 KB) and its frame header. */
export const IMAGE_HEADER_BYTES = 256 * 1024;

function header(
  format: ImageHeader['format'],
  width: number,
  height: number,
  orientation = 1,
): ImageHeader | null {
  if (!(width > 0 && height > 0)) return null;
  const swap = orientation >= 5 && orientation <= 8;
  return {
    format,
    width,
    height,
    orientation,
    uprightWidth: swap ? height : width,
    uprightHeight: swap ? width : height,
  };
}

/** Orientation tag (0x0112) of IFD0 in a TIFF block starting at `start`, or 1. */
function exifOrientation(view: DataView, start: number, end: number): number {
  if (start + 8 > end) return 1;
  const order = view.getUint16(start);
  if (order !== 0x4949 && order !== 0x4d4d) return 1;
  const little = order === 0x4949;
  const ifd = start + view.getUint32(start + 4, little);
  if (ifd + 2 > end) return 1;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return 1;
    if (view.getUint16(entry, little) === 0x0112) {
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

function jpeg(view: DataView): ImageHeader | null {
  let orientation = 1;
  let pos = 2;
  while (pos + 4 <= view.byteLength) {
    if (view.getUint8(pos) !== 0xff) return null;
    const marker = view.getUint8(pos + 1);
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      pos += 2;
      continue;
    }
    const length = view.getUint16(pos + 2);
    const data = pos + 4;
    const isExif =
      marker === 0xe1 &&
      data + 6 <= view.byteLength &&
      view.getUint32(data) === 0x45786966 && // "Exif"
      view.getUint16(data + 4) === 0;
    if (isExif) {
      orientation = exifOrientation(view, data + 6, Math.min(pos + 2 + length, view.byteLength));
    }
    // SOF0-SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range.
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) {
      if (data + 5 > view.byteLength) return null;
      return header('jpeg', view.getUint16(data + 3), view.getUint16(data + 1), orientation);
    }
    pos += 2 + length;
  }
  return null;
}

function webp(view: DataView): ImageHeader | null {
  if (view.byteLength < 30) return null;
  const chunk = view.getUint32(12);
  if (chunk === 0x56503820) {
    // "VP8 ": lossy, 14-bit sizes after the key-frame start code.
    return header('webp', view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  }
  if (chunk === 0x5650384c) {
    // "VP8L": lossless, two 14-bit sizes minus one, packed after the 0x2f signature.
    const bits = view.getUint32(21, true);
    return header('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 0x56503858) {
    // "VP8X": extended, 24-bit canvas sizes minus one.
    const u24 = (at: number) =>
      view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getUint8(at + 2) << 16);
    return header('webp', u24(24) + 1, u24(27) + 1);
  }
  return null;
}

/** The header of a JPEG, PNG, GIF, WebP or BMP file, or null if unrecognised or truncated. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength;
  if (n >= 4 && view.getUint16(0) === 0xffd8) return jpeg(view);
  if (n >= 24 && view.getUint32(0) === 0x89504e47 && view.getUint32(12) === 0x49484452) {
    return header('png', view.getUint32(16), view.getUint32(20));
  }
  if (n >= 10 && view.getUint32(0) === 0x47494638) {
    return header('gif', view.getUint16(6, true), view.getUint16(8, true));
  }
  if (n >= 16 && view.getUint32(0) === 0x52494646 && view.getUint32(8) === 0x57454250) {
    return webp(view);
  }
  if (n >= 26 && view.getUint16(0) === 0x424d) {
    return header('bmp', view.getInt32(18, true), Math.abs(view.getInt32(22, true)));
  }
  return null;
}
