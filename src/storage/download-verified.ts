/** Downloads one catalog file with byte progress, retries transient failures, and checks size and sha256. */
import type { FileRef } from '../shared/catalog/manifest.ts';
import { sha256Hex } from '../shared/catalog/sha256.ts';
import { CatalogError, HttpStatusError, isNetworkError, isTransient } from './errors.ts';
import { withRetry } from './retry.ts';

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Called with the bytes received so far for this file (restarts at 0 on a retry). */
  onBytes?: (loaded: number) => void;
  attempts?: number;
  baseDelayMs?: number;
}

/** Reads the body into one buffer of the size the manifest promises: no chunk list, no concat copy. */
async function readBody(response: Response, ref: FileRef, path: string, options: DownloadOptions) {
  const out = new Uint8Array(ref.bytes);
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength !== ref.bytes) throw sizeMismatch(path, ref, bytes.byteLength);
    out.set(bytes);
    options.onBytes?.(bytes.byteLength);
    return out;
  }
  const reader = response.body.getReader();
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.byteLength > ref.bytes) {
      await reader.cancel();
      throw sizeMismatch(path, ref, `more than ${ref.bytes}`);
    }
    out.set(value, loaded);
    loaded += value.byteLength;
    options.onBytes?.(loaded);
  }
  if (loaded !== ref.bytes) throw sizeMismatch(path, ref, loaded);
  return out;
}

function sizeMismatch(path: string, ref: FileRef, got: number | string): CatalogError {
  return new CatalogError(
    'checksum',
    `${path} is corrupt: expected ${ref.bytes} bytes, received ${got}.`,
  );
}

async function fetchOnce(
  url: string,
  ref: FileRef,
  path: string,
  options: DownloadOptions,
  cache: RequestCache,
) {
  const response = await fetch(url, { signal: options.signal, cache });
  if (!response.ok) throw new HttpStatusError(response.status, path);
  const bytes = await readBody(response, ref, path, options);
  if ((await sha256Hex(bytes)) !== ref.sha256) {
    throw new CatalogError(
      'checksum',
      `${path} failed verification (its sha256 differs from the manifest): the download is corrupt, or from another build.`,
    );
  }
  return bytes;
}

/**
 * Fetches `url`, expecting exactly the file `ref` describes. Network errors and 5xx answers are
 * retried with backoff; a checksum mismatch is retried once bypassing the HTTP cache, then thrown.
 */
export async function downloadVerified(
  url: string,
  ref: FileRef,
  path: string,
  options: DownloadOptions = {},
): Promise<Uint8Array> {
  const attempt = (cache: RequestCache) =>
    withRetry(() => fetchOnce(url, ref, path, options, cache), {
      attempts: options.attempts ?? 4,
      baseDelayMs: options.baseDelayMs ?? 500,
      signal: options.signal,
      retryable: isTransient,
    });
  try {
    try {
      return await attempt('default');
    } catch (error) {
      if (!(error instanceof CatalogError && error.code === 'checksum')) throw error;
      return await attempt('reload');
    }
  } catch (error) {
    throw wrapNetwork(error, path);
  }
}

function wrapNetwork(error: unknown, path: string): unknown {
  if (!isNetworkError(error)) return error;
  return new CatalogError('offline', `Could not download ${path}: the network is unavailable.`, {
    cause: error,
  });
}
