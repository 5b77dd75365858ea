/** The index's only copy of its vectors: codes, scales and filter mask in one growable WebAssembly memory. */
import { IndexError } from './index-error.ts';
import { layoutFor, type Layout } from './layout.ts';

const PAGE = 65536;
/** wasm32 addresses 4 GiB. */
const MAX_PAGES = 65536;

export class VectorStore {
  readonly dim: number;
  /** Whether rows carry code sums (the relaxed kernel's correction term). */
  readonly withSums: boolean;
  memory: WebAssembly.Memory;
  layout: Layout;
  count = 0;
  /** Called after every relayout, so a kernel can take the new offsets. */
  onLayout: (layout: Layout) => void = () => {};
  #buffer: ArrayBuffer | null = null;
  #bytes = new Uint8Array(0);
  #codes = new Int8Array(0);
  #floats = new Float32Array(0);
  #ints = new Int32Array(0);
  #shorts = new Int16Array(0);

  constructor(dim: number, withSums: boolean, capacity = 0) {
    this.dim = dim;
    this.withSums = withSums;
    this.layout = layoutFor(dim, capacity, withSums);
    this.memory = new WebAssembly.Memory({ initial: this.#pagesFor(this.layout.end) });
  }

  #pagesFor(bytes: number): number {
    const pages = Math.ceil(bytes / PAGE);
    if (pages > MAX_PAGES) {
      throw new IndexError('memory', `${this.layout.capacity} vectors need more than 4 GiB`);
    }
    return pages;
  }

  /** Typed views of the memory; re-made after it grows (growing detaches the old buffer). */
  #refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer === this.#buffer) return;
    this.#buffer = buffer;
    this.#bytes = new Uint8Array(buffer);
    this.#codes = new Int8Array(buffer);
    this.#floats = new Float32Array(buffer);
    this.#ints = new Int32Array(buffer);
    this.#shorts = new Int16Array(buffer);
  }

  get bytes(): Uint8Array {
    this.#refresh();
    return this.#bytes;
  }
  get codes(): Int8Array {
    this.#refresh();
    return this.#codes;
  }
  get floats(): Float32Array {
    this.#refresh();
    return this.#floats;
  }
  get ints(): Int32Array {
    this.#refresh();
    return this.#ints;
  }
  get shorts(): Int16Array {
    this.#refresh();
    return this.#shorts;
  }

  /** Makes room for `capacity` vectors, moving the sections up in place. Clears the mask. */
  reserve(capacity: number): void {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new IndexError('input', `cannot reserve ${capacity} vectors`);
    }
    if (capacity <= this.layout.capacity) return;
    const before = this.layout;
    const after = layoutFor(this.dim, capacity, this.withSums);
    const pages = this.#pagesFor(after.end);
    const have = this.memory.buffer.byteLength / PAGE;
    if (pages > have) {
      try {
        this.memory.grow(pages - have);
      } catch {
        throw new IndexError('memory', `the browser refused ${pages * 64} KiB for the index`);
      }
    }
    // Every section only moves up, so moving the highest first never overwrites unmoved data.
    const bytes = this.bytes;
    const n = this.count;
    // Whole blocks of 4 rows: the last one may be partly filled.
    bytes.copyWithin(
      after.codes,
      before.codes,
      before.codes + Math.ceil(n / 4) * 4 * before.stride,
    );
    if (this.withSums) bytes.copyWithin(after.sums, before.sums, before.sums + n * 4);
    bytes.copyWithin(after.scales, before.scales, before.scales + n * 4);
    this.layout = after;
    this.onLayout(after);
  }

  /** Byte offset of row i's first code: rows sit in blocks of 4, interleaved by 16-byte column. */
  rowOffset(i: number): number {
    const { codes, stride } = this.layout;
    return codes + (i & ~3) * stride + (i & 3) * 16;
  }

  /** Row i's codes, in order, into `out` (length dim). */
  readRow(i: number, out: { [j: number]: number }): void {
    const codes = this.codes;
    const base = this.rowOffset(i);
    for (let j = 0; j < this.dim; j++) out[j] = codes[base + ((j >> 4) << 6) + (j & 15)];
  }

  /** Scatters n rows into the interleaved layout from row `first` on, zeroing row padding. */
  #writeRows(codes: Int8Array, first: number, n: number): void {
    const { dim } = this;
    const { stride } = this.layout;
    const memory = this.codes;
    let fromRow = 0;
    if (dim % 16 === 0 && codes.byteOffset % 4 === 0) {
      // Whole 16-byte columns, four 32-bit words at a time: several times faster than bytes.
      const source = new Int32Array(codes.buffer, codes.byteOffset, (n * dim) >> 2);
      const target = this.ints;
      const words = dim >> 2;
      for (; fromRow < n; fromRow++) {
        let s = fromRow * words;
        let t = this.rowOffset(first + fromRow) >> 2;
        for (let c = 0; c < words; c += 4, s += 4, t += 16) {
          target[t] = source[s];
          target[t + 1] = source[s + 1];
          target[t + 2] = source[s + 2];
          target[t + 3] = source[s + 3];
        }
      }
    }
    for (let i = fromRow; i < n; i++) {
      const base = this.rowOffset(first + i);
      for (let j = 0; j < stride; j++) {
        memory[base + ((j >> 4) << 6) + (j & 15)] = j < dim ? codes[i * dim + j] : 0;
      }
    }
  }

  /** Copies vectors in after the last one; returns the index of the first. */
  append(codes: Int8Array, scales: Float32Array): number {
    const { dim } = this;
    const n = scales.length;
    if (codes.length !== n * dim) {
      throw new IndexError('input', `${codes.length} codes do not make ${n} vectors of dim ${dim}`);
    }
    for (let i = 0; i < n; i++) {
      // `!(x >= 0)` also catches NaN.
      if (!(scales[i] >= 0) || scales[i] === Infinity) {
        throw new IndexError('input', `vector ${i} has scale ${scales[i]}`);
      }
    }
    const first = this.count;
    if (first + n > this.layout.capacity) {
      this.reserve(Math.max(first + n, Math.floor(this.layout.capacity * 1.5)));
    }
    this.#writeRows(codes, first, n);
    this.floats.set(scales, (this.layout.scales >> 2) + first);
    this.count = first + n;
    return first;
  }
}
