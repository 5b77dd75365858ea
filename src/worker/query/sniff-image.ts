/** Tells an image's format from its first bytes (magic numbers), never from its name or MIME type. */

export type ImageFormat =
  'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic' | 'ico' | 'tiff';

/** Formats a browser's `createImageBitmap` decodes (HEIC and TIFF are not among them in Chromium). */
export const DECODABLE_FORMATS: ReadonlySet<ImageFormat> = new Set([
  'jpeg',
  'png',
  'gif',
  'webp',
  'bmp',
  'avif',
  'ico',
]);

/** How many leading bytes `sniffImageFormat` needs. */
export const SNIFF_BYTES = 16;

function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

export function sniffImageFormat(head: Uint8Array): ImageFormat | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (ascii(head, 0, '\x89PNG\r\n\x1a\n')) return 'png';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'gif';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'webp';
  if (ascii(head, 0, 'BM') && head.length >= 14) return 'bmp';
  if (ascii(head, 4, 'ftyp')) {
    if (ascii(head, 8, 'avif') || ascii(head, 8, 'avis')) return 'avif';
    if (['heic', 'heix', 'heim', 'heis', 'mif1', 'msf1', 'hevc'].some((b) => ascii(head, 8, b))) {
      return 'heic';
    }
    return null;
  }
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 1 && head[3] === 0) {
    return 'ico';
  }
  if (ascii(head, 0, 'II*\0') || ascii(head, 0, 'MM\0*')) return 'tiff';
  return null;
}
