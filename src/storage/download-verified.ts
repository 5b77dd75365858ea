/** Downloads one catalog file with byte progress, retries transient failures, and checks size and sha256. */
import type { FileRef } from '../shared/catalog/manifest.ts';
import { sha256Hex } from '../shared/catalog/sha256.ts';
import {
  CatalogError,
  DownloadStalledError,
  HttpStatusError,
  isNetworkError,
  isTransient,
} from './errors.ts';
import { withRetry } from './retry.ts';

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Called with the bytes received so far for this file (restarts at 0 on a retry). */
  onBytes?: (loaded: number) => void;
  attempts?: number;
  baseDelayMs?: number;
  /** A try with no bytes for this long is abandoned and retried (a half-open mobile connection). */
  stallMs?: number;
}

const DEFAULT_STALL_MS = 20_000;

/** Reads the body into one buffer of the size the manifest promises: no chunk list, no concat copy. */
async function readBody(
  response: Response,
  ref: FileRef,
  path: string,
  options: DownloadOptions,
  onChunk: () => void,
) {
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
    onChunk();
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
  // This try's own signal: the caller's abort, or a stall watchdog re-armed by every chunk.
  const controller = new AbortController();
  const outer = options.signal;
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new DownloadStalledError(path, stallMs)), stallMs);
  };
  let bytes: Uint8Array;
  try {
    watch();
    const response = await fetch(url, { signal: controller.signal, cache });
    if (!response.ok) throw new HttpStatusError(response.status, path);
    bytes = await readBody(response, ref, path, options, watch);
  } catch (error) {
    const reason: unknown = controller.signal.reason;
    throw reason instanceof DownloadStalledError && !outer?.aborted ? reason : error;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forward);
  }
  if ((await sha256Hex(bytes)) !== ref.sha256) {
    throw new CatalogError(
      'checksum',
      `${path} failed verification (its sha256 differs from the manifest): the download is corrupt, or from another build.`,
    );
  }
  return bytes;
}

/**
 * Fetches `url`, expecting exactly the file `ref` describes. Network errors, stalls and 5xx
 * answers are retried with backoff; a checksum mismatch is retried once bypassing the HTTP cache, then thrown.
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
  if (error instanceof DownloadStalledError) return error;
  if (!isNetworkError(error)) return error;
  return new CatalogError('offline', `Could not download ${path}: the network is unavailable.`, {
    cause: error,
  });
}
