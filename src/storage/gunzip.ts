/** Decompresses a whole gzip file into a buffer of the size the manifest promises. */
import { CatalogError } from './errors.ts';

/** True where the browser can decompress a gzip copy (every current engine; not some old ones). */
export const canGunzip = (): boolean => typeof DecompressionStream === 'function';

/**
 * `packed` decompressed into exactly `bytes` bytes. A copy that is not gzip, is cut short or
 * holds another size is a checksum failure: the caller then falls back to the plain file.
 */
export async function gunzip(packed: Uint8Array, bytes: number, path: string): Promise<Uint8Array> {
  const out = new Uint8Array(bytes);
  const corrupt = (detail: string) =>
    new CatalogError('checksum', `${path} is corrupt: its gzip copy ${detail}.`);
  const reader = new Blob([packed as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'))
    .getReader();
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.byteLength > bytes) throw corrupt(`holds more than ${bytes} bytes`);
      out.set(value, loaded);
      loaded += value.byteLength;
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof CatalogError) throw error;
    throw corrupt('does not decompress');
  }
  if (loaded !== bytes) throw corrupt(`holds ${loaded} bytes, not ${bytes}`);
  return out;
}
