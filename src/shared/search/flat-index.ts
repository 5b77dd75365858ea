/**
 * The exact flat int8 index: every vector scanned per query by a WebAssembly SIMD kernel (relaxed
 * or plain) or plain TypeScript, all with identical results. Vectors live once, in WASM memory.
 */
import { queryCodeMax, quantiseQuery } from '../catalog/quantise.ts';
import { bestBackend, supportsBackend } from './backend-support.ts';
import { IndexError } from './index-error.ts';
import { compileKernel, type Backend, type WasmBackend } from './kernel-modules.ts';
import { MAX_K } from './layout.ts';
import { scanScalar } from './scan-scalar.ts';
import { WasmScan } from './scan-wasm.ts';
import { VectorStore } from './vector-store.ts';

export { MAX_K } from './layout.ts';
export type { Backend } from './kernel-modules.ts';

export interface FlatIndexOptions {
  dim: number;
  /** 'auto' (default) picks relaxed SIMD, else SIMD, else scalar. */
  backend?: Backend | 'auto';
}

export interface ScanOptions {
  /** Apply the mask given to setFilter (default true; no effect when none is set). */
  filter?: boolean;
  /** An item never to return (e.g. the item a "more like this" search starts from). */
  exclude?: number;
}

/** Best first; equal scores in index order. Fresh arrays, at most k long. */
export interface SearchResult {
  indices: Int32Array;
  /** Cosine similarity of the int8 query and item (f32). */
  scores: Float32Array;
}

/**
 * When fewer than this share of the 4-row blocks hold a candidate, the scan skips the others;
 * above it, reading everything in order beats jumping about (measured in Chromium on x64: the
 * break-even was 18-34% of blocks for d = 256-1280, i.e. 5-10% of items matching at random).
 */
const SKIP_BELOW_BLOCK_SHARE = 0.2;

/** How many 4-row blocks (mask nibbles) of the first `bytes` mask bytes hold a candidate. */
function blocksWithCandidates(mask: Uint8Array, bytes: number): number {
  let blocks = 0;
  for (let i = 0; i < bytes; i++) blocks += (mask[i] & 15 ? 1 : 0) + (mask[i] >> 4 ? 1 : 0);
  return blocks;
}

export class FlatIndex {
  readonly dim: number;
  readonly backend: Backend;
  #module: WebAssembly.Module | null;
  #store: VectorStore;
  #wasm: WasmScan | null = null;
  #filterSet = false;
  /** The centre every stored vector is relative to (centred shards), or null. */
  #center: Float32Array | null = null;
  /** Whether the current mask is sparse enough for the scan to skip blocks without candidates. */
  #skipBlocks = false;
  /** Per-query buffers, allocated once. */
  readonly #queryCodes: Int16Array;
  readonly #itemQuery: Float32Array;

  private constructor(dim: number, backend: Backend, module: WebAssembly.Module | null) {
    this.dim = dim;
    this.backend = backend;
    this.#module = module;
    this.#queryCodes = new Int16Array(dim);
    this.#itemQuery = new Float32Array(dim);
    this.#store = this.#newStore(0);
  }

  static async create(options: FlatIndexOptions): Promise<FlatIndex> {
    const { dim } = options;
    if (!Number.isInteger(dim) || dim < 1 || dim > 65536) {
      throw new IndexError('dim', `dim must be a whole number from 1 to 65536, not ${dim}`);
    }
    const wanted = options.backend ?? 'auto';
    const backend = wanted === 'auto' ? bestBackend() : wanted;
    if (!supportsBackend(backend)) {
      throw new IndexError('backend', `this runtime cannot run the ${backend} kernel`);
    }
    const module = backend === 'scalar' ? null : await compileKernel(backend);
    return new FlatIndex(dim, backend, module);
  }

  #newStore(capacity: number): VectorStore {
    const store = new VectorStore(this.dim, this.backend === 'relaxed', capacity);
    const wasm = this.#module
      ? new WasmScan(this.backend as WasmBackend, this.#module, store)
      : null;
    store.onLayout = (layout) => {
      // A new layout leaves the mask section stale.
      this.#filterSet = false;
      wasm?.useLayout(layout);
    };
    this.#wasm = wasm;
    this.#filterSet = false;
    return store;
  }

  get count(): number {
    return this.#store.count;
  }

  /** Bytes of memory the index holds (vectors, scales, mask and buffers). */
  get byteLength(): number {
    return this.#store.memory.buffer.byteLength;
  }

  /** Makes room for `count` vectors in one step, so appending shards never moves data. */
  reserve(count: number): void {
    this.#store.reserve(count);
  }

  /**
   * Copies `scales.length` vectors into the index after the current ones. Clears the filter.
   * `center`: the centre the codes are relative to (a centred shard's), the same for every
   * append; it only shifts scores (by dot(query, center)) and "more like this" queries.
   */
  append(codes: Int8Array, scales: Float32Array, center: Float32Array | null = null): void {
    if (this.count === 0) {
      if (center && (center.length !== this.dim || !center.every(Number.isFinite))) {
        throw new IndexError('input', `the centre must hold ${this.dim} finite values`);
      }
      this.#center = center && Float32Array.from(center);
    } else if (
      (center === null) !== (this.#center === null) ||
      (center && center.some((c, j) => c !== this.#center![j]))
    ) {
      throw new IndexError('input', 'these vectors have another centre than the index');
    }
    const first = this.#store.append(codes, scales);
    this.#filterSet = false;
    this.#wasm?.appended(first, this.#store.count);
  }

  /**
   * Restricts searches to items whose bit is set (bit i % 8 of byte i / 8, see filter.ts), or
   * lifts the restriction (null). Copied in; cleared by append, reserve and clear.
   */
  setFilter(mask: Uint8Array | null): void {
    if (mask === null) {
      this.#filterSet = false;
      return;
    }
    const needed = Math.ceil(this.count / 8);
    if (mask.length < needed) {
      throw new IndexError(
        'mask',
        `mask has ${mask.length} bytes, ${this.count} items need ${needed}`,
      );
    }
    this.#store.bytes.set(mask.subarray(0, needed), this.#store.layout.mask);
    this.#filterSet = true;
    this.#skipBlocks = blocksWithCandidates(mask, needed) < SKIP_BELOW_BLOCK_SHARE * needed * 2;
  }

  get hasFilter(): boolean {
    return this.#filterSet;
  }

  /** The top k items by cosine similarity to `query` (any length-dim vector; it is normalised). */
  search(query: ArrayLike<number>, k: number, options?: ScanOptions): SearchResult {
    if (query.length !== this.dim) {
      throw new IndexError(
        'input',
        `query has ${query.length} values, the index has dim ${this.dim}`,
      );
    }
    const qscale = quantiseQuery(query, this.#queryCodes);
    return this.#scan(this.#queryCodes, qscale, k, options);
  }

  /** Like search, with a query already quantised by quantiseQuery (codes in ±queryCodeMax(dim)). */
  searchQuantised(
    codes: Int16Array,
    scale: number,
    k: number,
    options?: ScanOptions,
  ): SearchResult {
    if (codes.length !== this.dim) {
      throw new IndexError(
        'input',
        `query has ${codes.length} codes, the index has dim ${this.dim}`,
      );
    }
    const max = queryCodeMax(this.dim);
    for (const code of codes) {
      if (code > max || code < -max) {
        throw new IndexError('input', `query codes must lie in ±${max}, got ${code}`);
      }
    }
    if (!Number.isFinite(scale)) throw new IndexError('input', `query scale ${scale}`);
    return this.#scan(codes, Math.fround(scale), k, options);
  }

  /**
   * "More like this": searches with item i's stored vector (no model run), excluding item i
   * unless options.exclude says otherwise (-1 excludes nothing).
   */
  searchByIndex(i: number, k: number, options?: ScanOptions): SearchResult {
    this.#checkItem(i);
    this.#store.readRow(i, this.#itemQuery);
    if (this.#center) this.#toVector(i, this.#itemQuery);
    return this.search(this.#itemQuery, k, { ...options, exclude: options?.exclude ?? i });
  }

  /** Item i's vector as the index holds it (center + code × scale), into `out` if given. */
  vector(i: number, out = new Float32Array(this.dim)): Float32Array {
    this.#checkItem(i);
    this.#store.readRow(i, out);
    return this.#toVector(i, out);
  }

  /** Turns item i's codes (in `row`) into its vector: center + code × scale. */
  #toVector(i: number, row: Float32Array): Float32Array {
    const scale = this.#store.floats[(this.#store.layout.scales >> 2) + i];
    const center = this.#center;
    for (let j = 0; j < this.dim; j++) row[j] = (center ? center[j] : 0) + row[j] * scale;
    return row;
  }

  /** Drops every vector and releases the memory (a fresh, small one takes its place). */
  clear(): void {
    this.#store = this.#newStore(0);
  }

  #checkItem(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new IndexError('item', `no item ${i} in an index of ${this.count}`);
    }
  }

  #scan(codes: Int16Array, qscale: number, k: number, options?: ScanOptions): SearchResult {
    if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
      throw new IndexError('k', `k must be a whole number from 1 to ${MAX_K}, not ${k}`);
    }
    const store = this.#store;
    const { layout } = store;
    const n = store.count;
    let exclude = options?.exclude ?? -1;
    if (!Number.isInteger(exclude) || exclude < -1) {
      throw new IndexError('item', `cannot exclude item ${exclude}`);
    }
    if (exclude >= n) exclude = -1;
    const useMask = this.#filterSet && options?.filter !== false;
    const found = this.#wasm
      ? this.#wasm.run(codes, qscale, n, k, useMask, exclude, this.#skipBlocks)
      : scanScalar(store, codes, qscale, n, k, useMask, exclude);
    const scores = store.floats.slice(layout.topScores >> 2, (layout.topScores >> 2) + found);
    if (this.#center) {
      // Every item's vector includes the centre: add the query's dot with it to every score.
      let bias = 0;
      for (let j = 0; j < this.dim; j++) bias += codes[j] * this.#center[j];
      bias = Math.fround(bias * qscale);
      for (let r = 0; r < found; r++) scores[r] = Math.fround(scores[r] + bias);
    }
    return {
      indices: store.ints.slice(layout.topIds >> 2, (layout.topIds >> 2) + found),
      scores,
    };
  }
}
