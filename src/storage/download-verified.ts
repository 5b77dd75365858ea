/** Downloads one catalog file with byte progress, retries transient failures, and checks size and sha256. */
import { GZIP_SUFFIX, type FileRef } from '../shared/catalog/manifest.ts';
import { sha256Hex } from '../shared/catalog/sha256.ts';
import {
  CatalogError,
  DownloadStalledError,
  HttpStatusError,
  isNetworkError,
  isTransient,
} from './errors.ts';
import { canGunzip, gunzip } from './gunzip.ts';
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

/**
 * Reads the body into one buffer of the file's size (a gzip copy is smaller, so it fits): no
 * chunk list, no concat copy. Returns the part received.
 */
async function readBody(
  response: Response,
  ref: FileRef,
  path: string,
  onLoaded: (loaded: number) => void,
  onChunk: () => void,
) {
  const out = new Uint8Array(ref.bytes);
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > ref.bytes) throw sizeMismatch(path, ref, bytes.byteLength);
    out.set(bytes);
    onLoaded(bytes.byteLength);
    return out.subarray(0, bytes.byteLength);
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
    onLoaded(loaded);
  }
  return out.subarray(0, loaded);
}

function sizeMismatch(path: string, ref: FileRef, got: number | string): CatalogError {
  return new CatalogError(
    'checksum',
    `${path} is corrupt: expected ${ref.bytes} bytes, received ${got}.`,
  );
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The file from what `body` received: itself, or (from its gzip copy) decompressed. A host that
 * labelled the copy with Content-Encoding has had the browser decode it already, which the size
 * tells even where a cross-origin answer hides that header.
 */
async function unpack(body: Uint8Array, ref: FileRef, path: string, packed: boolean) {
  if (body.byteLength === ref.bytes) return body;
  const gzip = packed && body.byteLength === ref.gzipBytes;
  if (gzip && GZIP_MAGIC.every((byte, i) => body[i] === byte)) {
    return gunzip(body, ref.bytes, path);
  }
  throw sizeMismatch(path, ref, body.byteLength);
}

async function fetchOnce(
  url: string,
  ref: FileRef,
  path: string,
  options: DownloadOptions,
  cache: RequestCache,
  packed: boolean,
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
    // Progress counts the file's own bytes, also while its smaller copy arrives.
    const scale =
      packed && !response.headers.has('Content-Encoding') ? ref.bytes / ref.gzipBytes! : 1;
    const onLoaded = (loaded: number) =>
      options.onBytes?.(Math.min(ref.bytes, Math.round(loaded * scale)));
    bytes = await unpack(await readBody(response, ref, path, onLoaded, watch), ref, path, packed);
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

/** A copy this host lacks or serves damaged: the file itself will do. */
const copyUnusable = (error: unknown) =>
  error instanceof CatalogError &&
  (error.code === 'checksum' || (error instanceof HttpStatusError && !error.retryable));

/**
 * Fetches `url`, expecting exactly the file `ref` describes: its gzip copy where the manifest
 * lists one (and the file itself when the copy is missing or damaged). Network errors, stalls
 * and 5xx answers are retried with backoff; a checksum mismatch of the file is retried once
 * bypassing the HTTP cache, then thrown.
 */
export async function downloadVerified(
  url: string,
  ref: FileRef,
  path: string,
  options: DownloadOptions = {},
): Promise<Uint8Array> {
  const attempt = (cache: RequestCache, packed = false) =>
    withRetry(
      () => fetchOnce(packed ? url + GZIP_SUFFIX : url, ref, path, options, cache, packed),
      {
        attempts: options.attempts ?? 4,
        baseDelayMs: options.baseDelayMs ?? 500,
        signal: options.signal,
        retryable: isTransient,
      },
    );
  try {
    if (ref.gzipBytes && canGunzip()) {
      try {
        return await attempt('default', true);
      } catch (error) {
        if (!copyUnusable(error)) throw error;
      }
    }
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
