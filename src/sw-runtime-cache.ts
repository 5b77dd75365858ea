/// <reference lib="webworker" />
/** The service worker's side of the runtime cache (engine-api/runtime-cache.ts). */
import { fetchRuntime, RUNTIME_CACHE } from './engine-api/runtime-cache.ts';

/** The runtime from the cache, else the network (the search worker keeps what it fetched). */
export async function runtimeResponse(request: Request): Promise<Response> {
  const cache = await caches.open(RUNTIME_CACHE);
  return (await cache.match(request.url)) ?? fetch(request);
}

/** Fetches into the cache whichever of `urls` it does not hold yet (compressed on the wire). */
export async function keepRuntime(urls: string[]): Promise<void> {
  const cache = await caches.open(RUNTIME_CACHE);
  for (const url of urls) {
    if (await cache.match(url)) continue;
    const response = await fetchRuntime(url);
    if (!response.ok) throw new Error(`Could not fetch ${url}: ${response.status}`);
    await cache.put(url, response);
  }
}

/** Drops runtimes of other versions: only `urls` stay. */
export async function dropOtherRuntimes(urls: string[]): Promise<void> {
  const cache = await caches.open(RUNTIME_CACHE);
  for (const request of await cache.keys()) {
    if (!urls.includes(request.url)) await cache.delete(request);
  }
}
