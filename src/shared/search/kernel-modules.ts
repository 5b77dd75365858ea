/** The generated kernel modules, decoded and compiled once per realm, instantiated per index. */
import { decodeBase64 } from '../base64.ts';
import { KERNEL_RELAXED_BASE64, KERNEL_SIMD_BASE64 } from './generated/kernel-wasm.ts';

export type WasmBackend = 'relaxed' | 'simd';
export type Backend = WasmBackend | 'scalar';

/** What kernel.wat exports. */
export interface KernelExports {
  set_layout(
    query: number,
    scratch: number,
    topScores: number,
    topIds: number,
    scales: number,
    sums: number,
    mask: number,
    codes: number,
    stride: number,
  ): void;
  row_sums(from: number, to: number): void;
  search(n: number, k: number, useMask: number, exclude: number, qscale: number): number;
}

const sources: Record<WasmBackend, string> = {
  relaxed: KERNEL_RELAXED_BASE64,
  simd: KERNEL_SIMD_BASE64,
};
const bytes = new Map<WasmBackend, Uint8Array<ArrayBuffer>>();
const modules = new Map<WasmBackend, Promise<WebAssembly.Module>>();

export function kernelBytes(backend: WasmBackend): Uint8Array<ArrayBuffer> {
  let module = bytes.get(backend);
  if (!module) bytes.set(backend, (module = decodeBase64(sources[backend])));
  return module;
}

/** Compiles each module once per realm (keeping the promise, so concurrent callers share it). */
export function compileKernel(backend: WasmBackend): Promise<WebAssembly.Module> {
  let module = modules.get(backend);
  if (!module) modules.set(backend, (module = WebAssembly.compile(kernelBytes(backend))));
  return module;
}

/** A kernel instance over `memory`. Synchronous: the module is small (browsers allow ≤ 4 KB). */
export function instantiateKernel(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
