/** Where each section of the index lives in its WebAssembly memory (see kernel.wat's header). */

/** Most results one search returns. */
export const MAX_K = 100;
/** Items are scanned in groups of 8 (one mask byte), so capacity is a multiple of 8. */
export const ROW_GROUP = 8;
const SECTION_ALIGN = 64;

export interface Layout {
  /**
   * Bytes per stored row: dim rounded up to 16, zero padded. Rows are stored in blocks of 4,
   * interleaved by 16-byte column, so the kernel reads each block as one sequential stream.
   */
  stride: number;
  capacity: number;
  /** Query codes: u8 (code + 64) for the relaxed kernel, i16 for the plain one; 2 × stride bytes. */
  query: number;
  scratch: number;
  topScores: number;
  topIds: number;
  scales: number;
  /** Per-row code sums (relaxed kernel only; 0 bytes otherwise). */
  sums: number;
  mask: number;
  codes: number;
  /** First byte past the layout. */
  end: number;
}

const align = (n: number, to: number) => Math.ceil(n / to) * to;

export const strideFor = (dim: number) => align(dim, 16);

export function layoutFor(dim: number, capacity: number, withSums: boolean): Layout {
  const stride = strideFor(dim);
  const rows = align(Math.max(capacity, ROW_GROUP), ROW_GROUP);
  const query = 0;
  const scratch = align(query + 2 * stride, SECTION_ALIGN);
  const topScores = align(scratch + 16, SECTION_ALIGN);
  const topIds = align(topScores + MAX_K * 4, SECTION_ALIGN);
  const scales = align(topIds + MAX_K * 4, SECTION_ALIGN);
  const sums = align(scales + rows * 4, SECTION_ALIGN);
  const mask = align(sums + (withSums ? rows * 4 : 0), SECTION_ALIGN);
  const codes = align(mask + rows / 8, SECTION_ALIGN);
  const end = codes + rows * stride;
  return {
    stride,
    capacity: rows,
    query,
    scratch,
    topScores,
    topIds,
    scales,
    sums,
    mask,
    codes,
    end,
  };
}
