/**
 * ONNX Runtime's .wasm through the runtime cache: fetched once per version (as its gzip copy where
 * the host has one), then handed to ONNX Runtime's own streaming compile as the cached Response.
 * A Response fetched whole keeps V8's compiled-code cache; one decompressed here has no URL, so it
 * compiles afresh each start, the price of a 3.7 MB first download (docs/startup.md).
 */
import { fetchRuntime, RUNTIME_CACHE } from '../../engine-api/runtime-cache.ts';
import { CatalogError, isNetworkError } from '../../storage/errors.ts';

function offline(url: string, cause: unknown): CatalogError {
  const path = new URL(url).pathname.split('/').slice(-2).join('/');
  return new CatalogError('offline', `Could not download ${path}: the network is unavailable.`, {
    cause,
  });
}

/**
 * The runtime cache once it holds `url`: kept by an earlier start, or fetched now (a first
 * visit's worker runs before the service worker controls it, so it fetches itself and the service
 * worker never has to). Null without Cache Storage, on a failed answer or when the cache cannot
 * keep it: ONNX Runtime then fetches the file itself, as it would without this. With the network
 * gone it rejects with the catalog's "offline" error, so the page resumes once back online (ONNX
 * Runtime's own failed fetch would leave this worker unable to start again). `cacheName` is the
 * cache shared with the service worker unless a runtime keeps one of its own (the WebGPU one).
 */
export async function cachedRuntime(
  url: string,
  cacheName = RUNTIME_CACHE,
  onReceived?: () => void,
): Promise<Cache | null> {
  try {
    return await keptRuntime(url, cacheName, onReceived);
  } finally {
    // Found, stored, or failed: the network is free of it either way.
    onReceived?.();
  }
}

async function keptRuntime(url: string, cacheName: string, onReceived?: () => void) {
  let cache: Cache;
  try {
    cache = await caches.open(cacheName);
    if (await cache.match(url)) return cache;
  } catch {
    return null;
  }
  let response: Response;
  try {
    response = await fetchRuntime(url, onReceived);
  } catch (error) {
    if (isNetworkError(error)) throw offline(url, error);
    throw error;
  }
  if (!response.ok) return null;
  try {
    // Stored whole before ONNX Runtime reads it: a download cut halfway is an "offline" error
    // here, not a runtime that failed to start.
    await cache.put(url, response);
    return cache;
  } catch (error) {
    if (isNetworkError(error)) throw offline(url, error);
    // A full storage only costs ONNX Runtime its own fetch.
    return null;
  }
}

/** The runtimes ONNX Runtime's fetch is answered for, by URL. */
const served = new Map<string, Cache>();
let answering: typeof fetch | undefined;

/**
 * Answers ONNX Runtime's fetch of `url` (its streaming compile) from `cache`; every other fetch
 * goes to the network as before. Each runtime (WASM, WebGPU) is served by its own call.
 */
export function serveRuntimeFrom(cache: Cache, url: string): void {
  served.set(url, cache);
  if (globalThis.fetch === answering) return;
  const network = globalThis.fetch.bind(globalThis);
  answering = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const requested = input instanceof Request ? input.url : String(input);
    const hit = await served.get(requested)?.match(requested);
    return hit ?? network(input, init);
  };
  globalThis.fetch = answering;
}
