import { GZIP_SUFFIX } from '../shared/catalog/manifest.ts';

/**
 * The Cache Storage cache holding ONNX Runtime's .wasm, shared by the search worker (which
 * fetches it once and keeps it there) and the service worker (which answers from it offline and
 * drops other versions), so the 14 MB runtime crosses the network once, compressed.
 */
export const RUNTIME_CACHE = 'lookalike-runtime-v1';

/** ONNX Runtime's WebAssembly files, by URL (the name keeps its content hash). */
export const isRuntimeWasm = (url: string): boolean => /\/ort-wasm[^/]*\.wasm$/.test(url);

/**
 * The gzip copy the build writes beside the runtime (scripts/vite/compressed-runtime.ts): 14.2 MB
 * on the wire becomes 3.7 MB, which a plain static host sends as it is. (Chromium 156 has no
 * Brotli DecompressionStream, which would make it 2.3 MB.)
 */
export const RUNTIME_COPY_SUFFIX = GZIP_SUFFIX;

/**
 * The runtime as a Response to keep in the runtime cache: its gzip copy, decompressed once it has
 * arrived; the .wasm itself where the host has no copy (the dev server) or the browser has no
 * DecompressionStream. Rejects, as fetch does, when the network is gone. `onReceived` hears when
 * the copy's last byte has crossed the network: it is read whole first (3.7 MB), so that moment
 * does not wait for the decompression and the cache's write. Not called for the .wasm itself,
 * whose body is kept as fetched.
 */
export async function fetchRuntime(url: string, onReceived?: () => void): Promise<Response> {
  if (typeof DecompressionStream === 'function') {
    const packed = await fetch(url + RUNTIME_COPY_SUFFIX);
    const type = packed.headers.get('Content-Type') ?? '';
    // A missing copy may come back as a 404 or as a dev server's index.html.
    if (packed.ok && packed.body && !type.startsWith('text/html')) {
      const arrived = new Blob([await packed.arrayBuffer()]).stream();
      onReceived?.();
      // A host that labels the file with Content-Encoding has had the browser decode it already.
      const body = packed.headers.has('Content-Encoding')
        ? arrived
        : arrived.pipeThrough(new DecompressionStream('gzip'));
      return new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
    }
    await packed.body?.cancel();
  }
  return fetch(url);
}
