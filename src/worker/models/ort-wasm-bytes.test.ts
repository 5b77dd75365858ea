/** ortWasmBytes with a Cache Storage stand-in: the runtime comes from the network once, then from the cache. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RUNTIME_CACHE } from '../../engine-api/runtime-cache.ts';
import { ortWasmBytes } from './ort-wasm-bytes.ts';

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
  return { stored, names };
}

function fakeFetch(status = 200) {
  const fetch = vi.fn(() => Promise.resolve(new Response(wasm.slice(), { status })));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => vi.unstubAllGlobals());

describe('ortWasmBytes', () => {
  it('fetches the runtime once and keeps it in the runtime cache for the next start', async () => {
    const { stored, names } = fakeCaches();
    const fetch = fakeFetch();
    expect(new Uint8Array((await ortWasmBytes(URL_))!)).toEqual(wasm);
    expect(names).toEqual([RUNTIME_CACHE]);
    expect(new Uint8Array(stored.get(URL_)!)).toEqual(wasm);
    expect(new Uint8Array((await ortWasmBytes(URL_))!)).toEqual(wasm);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('still hands over the bytes when the cache cannot keep them', async () => {
    const { stored } = fakeCaches(true);
    fakeFetch();
    expect(new Uint8Array((await ortWasmBytes(URL_))!)).toEqual(wasm);
    expect(stored.size).toBe(0);
  });

  it('answers null (ONNX Runtime fetches for itself) on a failed answer or without Cache Storage', async () => {
    fakeCaches();
    fakeFetch(404);
    expect(await ortWasmBytes(URL_)).toBeNull();
    vi.stubGlobal('caches', undefined);
    expect(await ortWasmBytes(URL_)).toBeNull();
  });

  it('rejects with the offline CatalogError when the network is gone', async () => {
    fakeCaches();
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(ortWasmBytes(URL_)).rejects.toMatchObject({
      name: 'CatalogError',
      code: 'offline',
      message: expect.stringMatching(/^Could not download .+\.wasm: the network is unavailable\.$/),
    });
  });
});
