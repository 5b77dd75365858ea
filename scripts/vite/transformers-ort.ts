/**
 * Vite plugin: transformers.js imports `onnxruntime-web/webgpu` from its own nested (newer, dev)
 * onnxruntime-web, which would bundle a second runtime and a 27 MB WASM. Point that import at
 * the app's onnxruntime-web WASM build instead: one runtime, the .wasm the app already hosts.
 */
import { resolve } from 'node:path';
import type { Plugin } from 'vite';

const ortWasm = resolve(
  import.meta.dirname,
  '../../node_modules/onnxruntime-web/dist/ort.wasm.bundle.min.mjs',
);

export function transformersOnAppOrt(): Plugin {
  return {
    name: 'lookalike:transformers-on-app-ort',
    config: () => ({
      resolve: { alias: [{ find: /^onnxruntime-web\/webgpu$/, replacement: ortWasm }] },
    }),
  };
}
