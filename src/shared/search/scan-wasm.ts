/** Runs a kernel.wat instance over a VectorStore: writes the query in the kernel's form and scans. */
import { instantiateKernel, type KernelExports, type WasmBackend } from './kernel-modules.ts';
import type { Layout } from './layout.ts';
import type { VectorStore } from './vector-store.ts';

/** Relaxed SIMD multiplies i8 by an i7 operand in [0, 127]: the high limb goes in + 64. */
const HIGH_LIMB_OFFSET = 64;

export class WasmScan {
  readonly backend: WasmBackend;
  readonly #store: VectorStore;
  readonly #kernel: KernelExports;

  constructor(backend: WasmBackend, module: WebAssembly.Module, store: VectorStore) {
    this.backend = backend;
    this.#store = store;
    this.#kernel = instantiateKernel(module, store.memory);
    this.useLayout(store.layout);
  }

  useLayout(layout: Layout): void {
    this.#kernel.set_layout(
      layout.query,
      layout.scratch,
      layout.topScores,
      layout.topIds,
      layout.scales,
      layout.sums,
      layout.mask,
      layout.codes,
      layout.stride,
    );
  }

  /** Fills the code sums of rows [from, to) after they were appended (relaxed kernel only). */
  appended(from: number, to: number): void {
    if (this.#store.withSums) this.#kernel.row_sums(from, to);
  }

  /**
   * Same contract as scanScalar: results land in the store's top section; returns their count.
   * With a mask, `skipBlocks` reads only blocks of 4 rows holding a candidate (for sparse masks).
   */
  run(
    query: Int16Array,
    qscale: number,
    n: number,
    k: number,
    useMask: boolean,
    exclude: number,
    skipBlocks = true,
  ): number {
    const store = this.#store;
    const { layout, dim } = store;
    if (this.backend === 'relaxed') {
      // Per 16-code column: 16 low limbs (code & 127), then 16 high limbs ((code >> 7) + 64).
      const bytes = store.bytes;
      for (let j = 0; j < layout.stride; j++) {
        const code = j < dim ? query[j] : 0;
        const at = layout.query + ((j >> 4) << 5) + (j & 15);
        bytes[at] = code & 127;
        bytes[at + 16] = (code >> 7) + HIGH_LIMB_OFFSET;
      }
    } else {
      const shorts = store.shorts;
      const at = layout.query >> 1;
      shorts.set(query, at);
      shorts.fill(0, at + dim, at + layout.stride);
    }
    return this.#kernel.search(n, k, useMask ? (skipBlocks ? 1 : 2) : 0, exclude, qscale);
  }
}
