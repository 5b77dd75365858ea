/**
 * Vite plugin: transformers.js imports `onnxruntime-web/webgpu` from its own nested (newer, dev)
 * onnxruntime-web, which would bundle a second runtime and a 27 MB WASM. Point that import at
 * the app's onnxruntime-web WASM build instead: one runtime, the .wasm the app already hosts.
 * Only transformers.js's import is redirected: the app's own WebGPU backend
 * (src/worker/models/webgpu-ort.ts) imports the real `onnxruntime-web/webgpu`.
 */
import { resolve } from 'node:path';
import type { Plugin } from 'vite';

const ortWasm = resolve(
  import.meta.dirname,
  '../../node_modules/onnxruntime-web/dist/ort.wasm.bundle.min.mjs',
);

const fromTransformers = (importer: string | undefined) =>
  importer !== undefined && /[\\/]@huggingface[\\/]transformers[\\/]/.test(importer);

/** The redirect as a Rollup-style resolver (the build, and the dev server's dependency bundler). */
const redirect = {
  name: 'lookalike:transformers-on-app-ort',
  resolveId(source: string, importer: string | undefined) {
    return source === 'onnxruntime-web/webgpu' && fromTransformers(importer) ? ortWasm : null;
  },
};

export function transformersOnAppOrt(): Plugin {
  return {
    ...redirect,
    enforce: 'pre',
    config: () => ({ optimizeDeps: { rolldownOptions: { plugins: [redirect] } } }),
  };
}
