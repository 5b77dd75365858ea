/** ONNX Runtime's .wasm bytes, read once per worker: from the runtime cache, else the network. */
import { RUNTIME_CACHE } from '../../engine-api/runtime-cache.ts';
import { CatalogError, isNetworkError } from '../../storage/errors.ts';

/**
 * The runtime's bytes from the cache the service worker also serves, or fetched and kept there
 * (a first visit's worker runs before the service worker controls it, so it fetches itself and
 * the service worker never has to). Null without Cache Storage or on a failed answer: ONNX
 * Runtime then fetches the file itself, as it would without this. With the network gone it
 * rejects with the catalog's "offline" error, so the page resumes once back online (ONNX
 * Runtime's own failed fetch would leave this worker unable to start again).
 */
export async function ortWasmBytes(url: string): Promise<ArrayBuffer | null> {
  let cache: Cache;
  try {
    cache = await caches.open(RUNTIME_CACHE);
    const hit = await cache.match(url);
    if (hit) return await hit.arrayBuffer();
  } catch {
    return null;
  }
  try {
    const response = await fetch(url);
    if (!response.ok) return null;
    // Kept for the next start and offline; a full storage only costs the next start a fetch.
    // (Cloned before the body is read: a read body cannot be cloned.)
    const kept = cache.put(url, response.clone()).catch(() => undefined);
    const [bytes] = await Promise.all([response.arrayBuffer(), kept]);
    return bytes;
  } catch (error) {
    if (!isNetworkError(error)) throw error;
    const path = new URL(url).pathname.split('/').slice(-2).join('/');
    throw new CatalogError('offline', `Could not download ${path}: the network is unavailable.`, {
      cause: error,
    });
  }
}
