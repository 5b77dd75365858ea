/**
 * onnxruntime-web's WebGPU build, loaded only once a usable adapter exists: its JS (a separate
 * chunk) and its own 27 MB .wasm (7 MB as the gzip copy) never reach a device without a GPU,
 * and never delay "ready" (the WASM session searches meanwhile).
 */
import gpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { cachedRuntime, serveRuntimeFrom } from './ort-runtime-cache.ts';

/**
 * Its own cache, not the service worker's runtime cache: the service worker drops from that one
 * every runtime its build does not list, and it does not list this one (it is never precached,
 * most visitors never need it). Here, storing a version drops the others.
 */
export const GPU_RUNTIME_CACHE = 'lookalike-gpu-runtime-v1';

export type WebGpuOrt = typeof import('onnxruntime-web/webgpu');

let loading: Promise<WebGpuOrt> | undefined;

async function dropOtherVersions(cache: Cache, url: string): Promise<void> {
  for (const request of await cache.keys()) {
    if (request.url !== url) await cache.delete(request);
  }
}

async function load(adapter: GPUAdapter): Promise<WebGpuOrt> {
  const url = new URL(gpuWasmUrl, self.location.href).href;
  const cache = await cachedRuntime(url, GPU_RUNTIME_CACHE);
  if (cache) {
    serveRuntimeFrom(cache, url);
    await dropOtherVersions(cache, url);
  }
  const ort = await import('onnxruntime-web/webgpu');
  // The model runs on the GPU; one CPU thread is enough for what ORT keeps on the CPU (input
  // and output copies), and saves the thread pool's memory.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = { wasm: url };
  ort.env.webgpu.adapter = adapter;
  return ort;
}

/** The WebGPU build on `adapter` (the first call's adapter: ORT keeps one device per worker). */
export function webGpuOrt(adapter: GPUAdapter): Promise<WebGpuOrt> {
  loading ??= load(adapter);
  // A failed load (offline, storage) is tried again by the next call.
  loading.catch(() => (loading = undefined));
  return loading;
}
