/**
 * A learned whitening's file (`models/heads/<id>.whitening.bin`): an 8-byte magic, a
 * little-endian u32 header length, a JSON header (layout, sizes, how it was learned, the sha256
 * of the model it was learned on), zero padding to 4 bytes, then float32 μ and P (out x dim).
 */
import { join } from 'node:path';
import type { WhitenedLayout } from './whitened-embedding.ts';
import type { Whitening } from './whitening.ts';

/** The default model's whitening, written by scripts/models/learn-whitening.ts. */
export const FASHION_WHITENING_FILE = join(
  import.meta.dirname,
  '../../models/heads/mobilenet-v2-fashion.whitening.bin',
);

const MAGIC = 'LKWHIT01';

export interface WhiteningMeta extends WhitenedLayout {
  /** sha256 of the unwhitened ONNX model whose embeddings it was learned from. */
  learnedOn: string;
  /** Free-form record: shrinkage, seeds, pair count, split. */
  learning: Record<string, unknown>;
}

export interface WhiteningFile {
  whitening: Whitening;
  meta: WhiteningMeta;
}

interface Header extends WhiteningMeta {
  format: 'lookalike-whitening';
  dim: number;
  out: number;
}

export class WhiteningFileError extends Error {
  override name = 'WhiteningFileError';
}

export function encodeWhiteningFile({ whitening, meta }: WhiteningFile): Uint8Array {
  const { dim, out, mean, projection } = whitening;
  const header: Header = { format: 'lookalike-whitening', dim, out, ...meta };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((12 + json.length) / 4) * 4;
  const bytes = new Uint8Array(start + (dim + out * dim) * 4);
  bytes.set(new TextEncoder().encode(MAGIC));
  const view = new DataView(bytes.buffer);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  [...mean, ...projection.subarray(0, out * dim)].forEach((x, i) =>
    view.setFloat32(start + 4 * i, x, true),
  );
  return bytes;
}

export function decodeWhiteningFile(bytes: Uint8Array): WhiteningFile {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new WhiteningFileError(`not a whitening file (no ${MAGIC} magic)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(8, true);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as Header;
  } catch (error) {
    throw new WhiteningFileError('whitening file: unreadable header', { cause: error });
  }
  const { format, dim, out, ...meta } = header;
  const start = Math.ceil((12 + length) / 4) * 4;
  if (format !== 'lookalike-whitening' || !(out >= 1 && out <= dim)) {
    throw new WhiteningFileError('whitening file: bad header');
  }
  if (bytes.length !== start + (dim + out * dim) * 4) {
    throw new WhiteningFileError(
      `whitening file: ${bytes.length} bytes, the header needs ${start + (dim + out * dim) * 4}`,
    );
  }
  const floats = Float32Array.from({ length: dim + out * dim }, (_, i) =>
    view.getFloat32(start + 4 * i, true),
  );
  return {
    whitening: { dim, out, mean: floats.slice(0, dim), projection: floats.slice(dim) },
    meta,
  };
}
