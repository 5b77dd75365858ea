/**
 * The response headers that make a page cross-origin isolated (SharedArrayBuffer, so ONNX
 * Runtime's WASM threads): one definition for the dev and preview servers, the service worker
 * (src/sw-isolation.ts) and the bench's and tests' hosts.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;
