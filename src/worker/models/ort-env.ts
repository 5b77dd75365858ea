/** Configures onnxruntime-web once for this worker: self-hosted WASM, threads only when isolated. */
import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { cachedRuntime, serveRuntimeFrom } from './ort-runtime-cache.ts';
import { timed } from '../catalog/startup-timing.ts';

let threads: number | undefined;

/**
 * Returns the ort namespace, configured. Threads need SharedArrayBuffer, which only exists when
 * the page is cross-origin isolated (COOP/COEP); static hosts without those headers get 1 thread.
 */
export function configuredOrt(): { ort: typeof ort; threads: number } {
  if (threads === undefined) {
    threads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    ort.env.wasm.numThreads = threads;
    // The bundled build embeds its JS glue; only the .wasm is fetched, from our own origin.
    ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, self.location.href).href };
  }
  return { ort, threads };
}

let runtime: Promise<void> | undefined;
let received: Promise<void> | undefined;

/**
 * configuredOrt with the runtime in the runtime cache (once, shared with the service worker: see
 * cachedRuntime), served from there to ONNX Runtime. Await it before creating a session.
 */
export async function loadedOrt(): Promise<{ ort: typeof ort; threads: number }> {
  const configured = configuredOrt();
  const url = new URL(wasmUrl, self.location.href).href;
  if (!runtime) {
    let arrived!: () => void;
    received = new Promise<void>((resolve) => (arrived = resolve));
    runtime = timed('ort runtime cached', () => cachedRuntime(url, undefined, arrived)).then(
      (cache) => {
        if (cache) serveRuntimeFrom(cache, url);
      },
    );
    // A failed read (offline) is tried again by the next start, not remembered.
    runtime.catch(() => (runtime = undefined));
  }
  await runtime;
  return configured;
}

/**
 * Resolves once the runtime's bytes have crossed the network (or were found cached, or failed):
 * the catalog's downloads wait for it, so on a slow link the runtime has the link to itself and
 * compiles while they arrive, instead of arriving last with them. Starts the runtime's fetch.
 */
export function runtimeReceived(): Promise<void> {
  void loadedOrt().catch(() => undefined);
  return received!;
}
