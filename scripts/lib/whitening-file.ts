/**
 * A learned whitening's file (`models/heads/<id>.whitening.bin`): an 8-byte magic, a
 * little-endian u32 header length, a JSON header (layout, sizes, how it was learned, the sha256
 * of the model it was learned on), zero padding to 4 bytes, then float32 μ and P (out x dim).
 * With a pooled input, the whitening reads [embedding ‖ unit pooled layer]: μ and P span both,
 * and decoding splits their columns so `whitening` is the embedding's part.
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

/**
 * A second input beside the embedding: a backbone layer GeM-pooled ((mean x^p)^(1/p) over the
 * map), averaged over the photo and its mirror image when `mirror`, then L2-normalised.
 */
export interface PooledInput {
  layer: string;
  p: number;
  /** The layer's channels. */
  dim: number;
  mirror: boolean;
}

export interface WhiteningMeta extends WhitenedLayout {
  /** sha256 of the unwhitened ONNX model whose embeddings it was learned from. */
  learnedOn: string;
  /** Free-form record: shrinkage, seeds, pair count, split. */
  learning: Record<string, unknown>;
  /** The whitening also reads this pooled layer, after the embedding. */
  pooled?: PooledInput;
}

export interface WhiteningFile {
  /** On the embedding's columns (all of the whitening without a pooled input). */
  whitening: Whitening;
  meta: WhiteningMeta;
  /** μ and P's columns of the pooled input (with `meta.pooled`): out x pooled.dim. */
  pooled?: { mean: Float32Array; projection: Float32Array };
}

/** The whole whitening: on [embedding ‖ pooled input] when the file has one. */
export function joinedWhitening({ whitening, meta, pooled }: WhiteningFile): Whitening {
  if (!meta.pooled || !pooled) return whitening;
  const { dim: a, out } = whitening;
  const b = meta.pooled.dim;
  const dim = a + b;
  const projection = new Float32Array(out * dim);
  for (let i = 0; i < out; i++) {
    projection.set(whitening.projection.subarray(i * a, (i + 1) * a), i * dim);
    projection.set(pooled.projection.subarray(i * b, (i + 1) * b), i * dim + a);
  }
  const mean = new Float32Array(dim);
  mean.set(whitening.mean);
  mean.set(pooled.mean, a);
  return { dim, out, mean, projection };
}

/** A whitening of [embedding ‖ pooled input] split at the embedding's width (its `dim - pooled`). */
export function splitWhitening(
  whole: Whitening,
  meta: WhiteningMeta,
): Pick<WhiteningFile, 'whitening' | 'pooled'> {
  if (!meta.pooled) return { whitening: whole };
  const { dim, out } = whole;
  const b = meta.pooled.dim;
  const a = dim - b;
  if (!(a > 0 && b > 0)) throw new WhiteningFileError('whitening file: bad pooled input width');
  const left = new Float32Array(out * a);
  const right = new Float32Array(out * b);
  for (let i = 0; i < out; i++) {
    left.set(whole.projection.subarray(i * dim, i * dim + a), i * a);
    right.set(whole.projection.subarray(i * dim + a, (i + 1) * dim), i * b);
  }
  return {
    whitening: { dim: a, out, mean: whole.mean.slice(0, a), projection: left },
    pooled: { mean: whole.mean.slice(a), projection: right },
  };
}

interface Header extends WhiteningMeta {
  format: 'lookalike-whitening';
  dim: number;
  out: number;
}

export class WhiteningFileError extends Error {
  override name = 'WhiteningFileError';
}

export function encodeWhiteningFile(file: WhiteningFile): Uint8Array {
  const { meta } = file;
  const { dim, out, mean, projection } = joinedWhitening(file);
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
  const whole = { dim, out, mean: floats.slice(0, dim), projection: floats.slice(dim) };
  return { ...splitWhitening(whole, meta), meta };
}
