/**
 * The Cache Storage cache holding ONNX Runtime's .wasm, shared by the search worker (which
 * fetches it once and keeps it there) and the service worker (which answers from it offline and
 * drops other versions), so the 14 MB runtime crosses the network once.
 */
export const RUNTIME_CACHE = 'lookalike-runtime-v1';

/** ONNX Runtime's WebAssembly files, by URL (the name keeps its content hash). */
export const isRuntimeWasm = (url: string): boolean => /\/ort-wasm[^/]*\.wasm$/.test(url);
