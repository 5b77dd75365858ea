/**
 * transformers.js in the worker, offline: it runs on the worker's own onnxruntime-web (one
 * self-hosted runtime and .wasm, no CDN), never reaches a hub, and reads model files from the
 * verified bytes the catalog loader stored (the app's `models/` URL is only the fallback).
 */
import type * as Transformers from '@huggingface/transformers';
import type { ModelSpec } from '../../shared/model/spec.ts';
import { loadedOrt } from './ort-env.ts';

type TransformersModule = typeof Transformers;

/** Model files by absolute URL, held until the model's sessions are open. */
const stored = new Map<string, Uint8Array>();
let baseUrl = '';

/** The Cache API subset transformers.js asks a custom cache for. */
const storedFiles = {
  match(name: string): Promise<Response | undefined> {
    const bytes = stored.get(new URL(name, baseUrl).href);
    return Promise.resolve(
      bytes &&
        new Response(bytes as Uint8Array<ArrayBuffer>, {
          headers: { 'content-length': String(bytes.byteLength) },
        }),
    );
  },
  // Files come from catalog storage only; nothing downloaded here needs keeping.
  put: () => Promise.resolve(),
};

let loaded: Promise<TransformersModule> | undefined;

/** The configured transformers.js module, imported on first use (its own chunk). */
export function transformersFor(appUrl: string): Promise<TransformersModule> {
  loaded ??= (async () => {
    // Configured first: transformers.js only picks its CDN default when no wasmPaths are set.
    // Its `onnxruntime-web/webgpu` import is this same runtime (scripts/vite/transformers-ort.ts).
    const { ort } = await loadedOrt();
    const tf = await import('@huggingface/transformers');
    const { env } = tf;
    baseUrl = new URL('models/', appUrl).href;
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = baseUrl;
    env.useBrowserCache = false;
    env.useFSCache = false;
    env.useWasmCache = false;
    env.useCustomCache = true;
    env.customCache = storedFiles;
    env.backends.onnx.wasm!.wasmPaths = ort.env.wasm.wasmPaths;
    return tf;
  })();
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/** Makes a model's files (paths in its folder → bytes) readable by transformers.js. */
export function provideModelFiles(spec: ModelSpec, files: ReadonlyMap<string, Uint8Array>): void {
  for (const [path, bytes] of files) stored.set(new URL(`${spec.id}/${path}`, baseUrl).href, bytes);
}

/** Drops a model's files once its sessions hold them. */
export function forgetModelFiles(spec: ModelSpec, files: ReadonlyMap<string, Uint8Array>): void {
  for (const path of files.keys()) stored.delete(new URL(`${spec.id}/${path}`, baseUrl).href);
}
