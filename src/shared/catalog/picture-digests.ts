/**
 * Per-picture digests (the manifest's `thumbs.digests` file): the first 16 bytes of each
 * thumbnail's sha256, in item order, so one picture fetched by HTTP Range can be verified alone.
 */
import { sha256Hex } from './sha256.ts';

/** Bytes per item in the digests file: a 128-bit prefix of the picture's sha256. */
export const PICTURE_DIGEST_BYTES = 16;

/** The digest of one picture as stored in the file, as lowercase hex. */
export async function pictureDigest(bytes: Uint8Array): Promise<string> {
  return (await sha256Hex(bytes)).slice(0, PICTURE_DIGEST_BYTES * 2);
}

/** The digests file for `pictures`, in item order. */
export async function encodePictureDigests(pictures: readonly Uint8Array[]): Promise<Uint8Array> {
  const out = new Uint8Array(pictures.length * PICTURE_DIGEST_BYTES);
  for (let i = 0; i < pictures.length; i++) {
    const hex = await pictureDigest(pictures[i]);
    for (let b = 0; b < PICTURE_DIGEST_BYTES; b++) {
      out[i * PICTURE_DIGEST_BYTES + b] = parseInt(hex.slice(b * 2, b * 2 + 2), 16);
    }
  }
  return out;
}

/** Item `index`'s digest from the digests file, as lowercase hex. */
export function digestAt(file: Uint8Array, index: number): string {
  const at = index * PICTURE_DIGEST_BYTES;
  let hex = '';
  for (let b = 0; b < PICTURE_DIGEST_BYTES; b++) hex += file[at + b].toString(16).padStart(2, '0');
  return hex;
}

/** Throws unless `file` holds exactly one digest per item. */
export function checkPictureDigests(file: Uint8Array, count: number): Uint8Array {
  if (file.byteLength !== count * PICTURE_DIGEST_BYTES) {
    throw new Error(
      `the picture digests hold ${file.byteLength} bytes, not ${count * PICTURE_DIGEST_BYTES}`,
    );
  }
  return file;
}
