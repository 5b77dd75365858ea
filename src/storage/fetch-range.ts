/**
 * Fetches one byte range of a file (one picture inside a thumbnail pack). A server that ignores
 * Range answers 200 with the whole file: that answer is cancelled unread and reported, so the
 * caller can fetch and verify the whole file instead.
 */
import { CatalogError, HttpStatusError, isNetworkError } from './errors.ts';

export type RangeResult = { kind: 'range'; bytes: Uint8Array } | { kind: 'no-range' };

export async function fetchRange(
  url: string,
  offset: number,
  length: number,
  path: string,
  signal?: AbortSignal,
): Promise<RangeResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      signal,
      headers: { Range: `bytes=${offset}-${offset + length - 1}` },
    });
  } catch (error) {
    if (!isNetworkError(error)) throw error;
    throw new CatalogError('offline', `Could not download ${path}: the network is unavailable.`, {
      cause: error,
    });
  }
  if (response.status === 200) {
    await response.body?.cancel();
    return { kind: 'no-range' };
  }
  if (response.status !== 206) throw new HttpStatusError(response.status, path);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength !== length) {
    throw new CatalogError(
      'checksum',
      `${path} is corrupt: expected ${length} bytes at ${offset}, received ${bytes.byteLength}.`,
    );
  }
  return { kind: 'range', bytes };
}
