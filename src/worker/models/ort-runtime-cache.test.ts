/** cachedRuntime and serveRuntimeFrom with a Cache Storage stand-in: the runtime crosses the network once, then ONNX Runtime's fetch is answered from the cache. */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RUNTIME_CACHE } from '../../engine-api/runtime-cache.ts';
import { cachedRuntime, serveRuntimeFrom } from './ort-runtime-cache.ts';

const URL_ = 'https://app.example/assets/ort-wasm-simd-threaded-abc.wasm';
const wasm = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);

/** A Cache Storage holding Responses by URL, like the browser's (put reads the body). */
function fakeCaches(failPut = false) {
  const stored = new Map<string, ArrayBuffer>();
  const cache = {
    match: (url: string) =>
      Promise.resolve(stored.has(url) ? new Response(stored.get(url)!.slice(0)) : undefined),
    put: async (url: string, response: Response) => {
      const bytes = await response.arrayBuffer();
      if (failPut) throw new DOMException('quota', 'QuotaExceededError');
      stored.set(url, bytes);
    },
  };
  const names: string[] = [];
  vi.stubGlobal('caches', {
    open: (name: string) => (names.push(name), Promise.resolve(cache)),
  });
  return { stored, names, cache: cache as unknown as Cache };
}

/**
 * A host serving the runtime at URL_ with `status`, and the compressed copies in `copies` (by
 * suffix, with their headers); any other copy is a 404.
 */
function fakeFetch(
  status = 200,
  copies: Record<string, { body: Uint8Array; headers?: HeadersInit }> = {},
) {
  const fetch = vi.fn((input: RequestInfo | URL) => {
    const url = String(input);
    const copy = Object.entries(copies).find(([suffix]) => url === URL_ + suffix)?.[1];
    if (copy) return Promise.resolve(new Response(copy.body.slice(), { headers: copy.headers }));
    if (url !== URL_) return Promise.resolve(new Response('', { status: 404 }));
    return Promise.resolve(new Response(wasm.slice(), { status }));
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

const fetched = (fetch: ReturnType<typeof fakeFetch>) => fetch.mock.calls.map(([u]) => String(u));

afterEach(() => vi.unstubAllGlobals());

describe('cachedRuntime', () => {
  it('fetches the runtime once and keeps it in the runtime cache for the next start', async () => {
    const { stored, names } = fakeCaches();
    const fetch = fakeFetch(200, { '.gz': { body: gzipSync(wasm) } });
    expect(await cachedRuntime(URL_)).not.toBeNull();
    expect(names).toEqual([RUNTIME_CACHE]);
    expect(new Uint8Array(stored.get(URL_)!)).toEqual(wasm);
    expect(await cachedRuntime(URL_)).not.toBeNull();
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('fetches the gzip copy and keeps the runtime decompressed', async () => {
    const { stored } = fakeCaches();
    const fetch = fakeFetch(200, { '.gz': { body: gzipSync(wasm) } });
    expect(await cachedRuntime(URL_)).not.toBeNull();
    expect(new Uint8Array(stored.get(URL_)!)).toEqual(wasm);
    expect(fetched(fetch)).toEqual([`${URL_}.gz`]);
  });

  it('keeps a copy the host sent with Content-Encoding as the browser decoded it', async () => {
    const { stored } = fakeCaches();
    fakeFetch(200, { '.gz': { body: wasm, headers: { 'Content-Encoding': 'gzip' } } });
    expect(await cachedRuntime(URL_)).not.toBeNull();
    expect(new Uint8Array(stored.get(URL_)!)).toEqual(wasm);
  });

  it('fetches the .wasm itself where the host has no copy (404 or an index.html)', async () => {
    const { stored } = fakeCaches();
    let fetch = fakeFetch();
    expect(await cachedRuntime(URL_)).not.toBeNull();
    expect(fetched(fetch)).toEqual([`${URL_}.gz`, URL_]);
    expect(new Uint8Array(stored.get(URL_)!)).toEqual(wasm);
    fakeCaches();
    const page = new TextEncoder().encode('<!doctype html>');
    fetch = fakeFetch(200, { '.gz': { body: page, headers: { 'Content-Type': 'text/html' } } });
    expect(await cachedRuntime(URL_)).not.toBeNull();
    expect(fetched(fetch)).toEqual([`${URL_}.gz`, URL_]);
  });

  it('answers null (ONNX Runtime fetches for itself) when the cache cannot keep it, on a failed answer or without Cache Storage', async () => {
    fakeCaches(true);
    fakeFetch();
    expect(await cachedRuntime(URL_)).toBeNull();
    fakeCaches();
    fakeFetch(404);
    expect(await cachedRuntime(URL_)).toBeNull();
    vi.stubGlobal('caches', undefined);
    expect(await cachedRuntime(URL_)).toBeNull();
  });

  it('says when the copy has crossed the network: before it is stored, and also when found or failed', async () => {
    const { cache } = fakeCaches();
    const order: string[] = [];
    const put = cache.put.bind(cache);
    cache.put = async (url, response) => {
      await put(url, response);
      order.push('stored');
    };
    fakeFetch(200, { '.gz': { body: gzipSync(wasm) } });
    await cachedRuntime(URL_, RUNTIME_CACHE, () => order.push('received'));
    expect(order[0]).toBe('received');
    expect(order).toContain('stored');
    const found = vi.fn();
    await cachedRuntime(URL_, RUNTIME_CACHE, found);
    expect(found).toHaveBeenCalled();
    fakeCaches();
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    const failed = vi.fn();
    await cachedRuntime(URL_, RUNTIME_CACHE, failed).catch(() => undefined);
    expect(failed).toHaveBeenCalled();
  });

  it('rejects with the offline CatalogError when the network is gone', async () => {
    fakeCaches();
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(cachedRuntime(URL_)).rejects.toMatchObject({
      name: 'CatalogError',
      code: 'offline',
      message: expect.stringMatching(/^Could not download .+\.wasm: the network is unavailable\.$/),
    });
  });
});

describe('serveRuntimeFrom', () => {
  it("answers the runtime's URL from the cache and sends every other fetch to the network", async () => {
    const { stored, cache } = fakeCaches();
    stored.set(URL_, new Uint8Array([1, 2, 3]).buffer);
    const network = fakeFetch();
    serveRuntimeFrom(cache, URL_);
    const runtime = await globalThis.fetch(URL_, { credentials: 'same-origin' });
    expect(new Uint8Array(await runtime.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    expect(network).not.toHaveBeenCalled();
    const other = await globalThis.fetch('https://app.example/catalog/manifest.json');
    expect(other.status).toBe(404);
    expect(fetched(network)).toEqual(['https://app.example/catalog/manifest.json']);
  });

  it('answers each runtime (WASM, WebGPU) from its own cache', async () => {
    const wasmCache = fakeCaches().cache;
    const gpu = fakeCaches();
    const GPU_URL = 'https://app.example/assets/ort-wasm-simd-threaded.asyncify-def.wasm';
    gpu.stored.set(GPU_URL, new Uint8Array([4, 5]).buffer);
    const network = fakeFetch();
    serveRuntimeFrom(wasmCache, URL_);
    serveRuntimeFrom(gpu.cache, GPU_URL);
    const runtime = await globalThis.fetch(GPU_URL);
    expect(new Uint8Array(await runtime.arrayBuffer())).toEqual(new Uint8Array([4, 5]));
    expect(network).not.toHaveBeenCalled();
  });
});
