/** ONNX Runtime's .wasm bytes, read once per worker: from the runtime cache, else the network. */
import { RUNTIME_CACHE } from '../../engine-api/runtime-cache.ts';

/**
 * The runtime's bytes from the cache the service worker also serves, or fetched and kept there
 * (a first visit's worker runs before the service worker controls it, so it fetches itself and
 * the service worker never has to). Null when Cache Storage or the fetch fails: ONNX Runtime
 * then fetches the file itself, as it would without this.
 */
export async function ortWasmBytes(url: string): Promise<ArrayBuffer | null> {
  try {
    const cache = await caches.open(RUNTIME_CACHE);
    const hit = await cache.match(url);
    if (hit) return await hit.arrayBuffer();
    const response = await fetch(url);
    if (!response.ok) return null;
    // Kept for the next start and offline; a full storage only costs the next start a fetch.
    // (Cloned before the body is read: a read body cannot be cloned.)
    const kept = cache.put(url, response.clone()).catch(() => undefined);
    const [bytes] = await Promise.all([response.arrayBuffer(), kept]);
    return bytes;
  } catch {
    return null;
  }
}
