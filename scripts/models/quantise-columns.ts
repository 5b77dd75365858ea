/**
 * Stores a float matrix as uint8 codes with a scale and offset per column (the head's weight
 * matrices, [in, out]: one column per output unit), so the exported model ships a quarter of the
 * bytes. Asymmetric per column: each column's [min, max] maps onto all 256 codes.
 */
import type { ChannelCodes } from '../lib/folded-weights.ts';

/** value[r, c] ≈ scales[c] * codes[r, c] + offsets[c]; the error is at most scales[c] / 2. */
export function quantiseColumns(values: Float32Array, rows: number, cols: number): ChannelCodes {
  if (rows * cols !== values.length) {
    throw new Error(`quantiseColumns: ${values.length} values are not ${rows}x${cols}`);
  }
  const min = new Float64Array(cols).fill(Infinity);
  const max = new Float64Array(cols).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  const scales = new Float32Array(cols);
  const offsets = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    // A constant column keeps scale 1 and codes 0: its value is exactly the offset.
    scales[c] = max[c] > min[c] ? (max[c] - min[c]) / 255 : 1;
    offsets[c] = min[c];
  }
  const codes = new Uint8Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // Round against the stored (float32) scale and offset, which are what the graph decodes with.
      const q = Math.round((values[r * cols + c] - offsets[c]) / scales[c]);
      codes[r * cols + c] = Math.min(255, Math.max(0, q));
    }
  }
  return { codes, scales, offsets };
}
