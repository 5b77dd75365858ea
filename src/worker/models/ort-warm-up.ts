/**
 * Starts ONNX Runtime while the catalog files are still being read or downloaded: its .wasm
 * fetched (or found in the runtime cache), compiled and instantiated, its threads started. ORT
 * does all that on its first session, which used to wait for the model's bytes; a session for a
 * tiny Identity model makes it happen at once, and the real session shares the started runtime.
 */
import { timed } from '../catalog/startup-timing.ts';
import { loadedOrt } from './ort-env.ts';

/** An 87-byte ONNX model, y = Identity(x) on one float (built with scripts/lib/onnx-graph.ts). */
const IDENTITY_MODEL =
  'CAcSCWxvb2thbGlrZTIAOkAKEwoBeBIBeRoBeSIISWRlbnRpdHkSB3dhcm0tdXBaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAN';

let warming: Promise<void> | undefined;

/** Starts the runtime once; never rejects (the model's own session reports what went wrong). */
export function warmUpOrt(): Promise<void> {
  warming ??= timed('ort warm-up', async () => {
    const { ort } = await loadedOrt();
    const bytes = Uint8Array.from(atob(IDENTITY_MODEL), (c) => c.charCodeAt(0));
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    await session.release();
  }).catch(() => {
    warming = undefined;
  });
  return warming;
}
