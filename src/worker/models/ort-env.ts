/** Configures onnxruntime-web once for this worker: self-hosted WASM, threads only when isolated. */
import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { ortWasmBytes } from './ort-wasm-bytes.ts';
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

let binary: Promise<void> | undefined;

/**
 * configuredOrt with the runtime's bytes already read (once, through the runtime cache the
 * service worker shares: see ortWasmBytes). Await it before creating a session.
 */
export async function loadedOrt(): Promise<{ ort: typeof ort; threads: number }> {
  const configured = configuredOrt();
  const url = new URL(wasmUrl, self.location.href).href;
  binary ??= timed('ort runtime bytes', () => ortWasmBytes(url)).then((bytes) => {
    if (bytes) ort.env.wasm.wasmBinary = bytes;
  });
  // A failed read (offline) is tried again by the next start, not remembered.
  binary.catch(() => (binary = undefined));
  await binary;
  return configured;
}
