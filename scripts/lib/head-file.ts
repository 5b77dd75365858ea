/**
 * The trained head's weights file (`models/heads/<id>.bin`): an 8-byte magic, a little-endian
 * u32 header length, a JSON header (shape, backbone layers, view averaging, tensor sizes,
 * training summary), zero padding to 4 bytes, then the float32 tensors in header order.
 */
import { join } from 'node:path';
import type { HeadShape, HeadWeights } from './head-weights.ts';

/** The committed head of the default model, written by `npm run train`, read by `npm run models`. */
export const FASHION_HEAD_FILE = join(
  import.meta.dirname,
  '../../models/heads/mobilenet-v2-fashion.bin',
);

const MAGIC = 'LKHEAD01';
const TENSORS = ['mean', 'invStd', 'w1', 'b1', 'w2', 'b2'] as const;

export interface HeadMeta {
  /** Backbone layers whose pooled outputs, concatenated in this order, feed the head. */
  layers: string[];
  /** 'average': pooled features are averaged over the photo and its mirror image. */
  views: 'plain' | 'average';
  /** Each layer's pooled vector is L2-normalised (per view) before anything else. */
  layerNorm?: boolean;
  /**
   * Appends one layer's raw pooled vector (L2-normalised, times `weight`) to the head's unit
   * embedding before the final normalisation: the raw feature keeps what tells one product
   * from another of the same kind, which a category-trained head blurs.
   */
  blend?: { layer: string; weight: number };
  /** Free-form record of how the weights were made (config, seed, best epoch, split). */
  training: Record<string, unknown>;
}

interface Header extends HeadMeta {
  format: 'lookalike-head';
  shape: HeadShape;
  tensors: [string, number][];
}

export class HeadFileError extends Error {
  override name = 'HeadFileError';
}

export function encodeHeadFile(head: HeadWeights, meta: HeadMeta): Uint8Array {
  const tensors = TENSORS.map((name) => head[name]);
  const header: Header = {
    format: 'lookalike-head',
    shape: head.shape,
    ...meta,
    tensors: TENSORS.map((name, i) => [name, tensors[i].length]),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((12 + json.length) / 4) * 4;
  const floats = tensors.reduce((n, t) => n + t.length, 0);
  const bytes = new Uint8Array(start + floats * 4);
  bytes.set(new TextEncoder().encode(MAGIC));
  new DataView(bytes.buffer).setUint32(8, json.length, true);
  bytes.set(json, 12);
  const view = new DataView(bytes.buffer, start);
  let at = 0;
  for (const t of tensors)
    for (let i = 0; i < t.length; i++, at += 4) view.setFloat32(at, t[i], true);
  return bytes;
}

export function decodeHeadFile(bytes: Uint8Array): { head: HeadWeights; meta: HeadMeta } {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new HeadFileError(`not a head weights file (no ${MAGIC} magic)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(8, true);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as Header;
  } catch (error) {
    throw new HeadFileError('head weights file: unreadable header', { cause: error });
  }
  const { shape } = header;
  const width = shape.hidden || shape.output;
  const expected: Record<string, number> = {
    mean: shape.input,
    invStd: shape.input,
    w1: shape.input * width,
    b1: width,
    w2: shape.hidden * (shape.hidden ? shape.output : 0),
    b2: shape.hidden ? shape.output : 0,
  };
  let at = Math.ceil((12 + length) / 4) * 4;
  const tensors: Record<string, Float32Array> = {};
  for (const [name, count] of header.tensors) {
    if (expected[name] !== count) {
      throw new HeadFileError(
        `head weights file: ${name} has ${count} values, shape needs ${expected[name]}`,
      );
    }
    if (at + count * 4 > bytes.length) throw new HeadFileError('head weights file is truncated');
    const t = new Float32Array(count);
    for (let i = 0; i < count; i++, at += 4) t[i] = view.getFloat32(at, true);
    tensors[name] = t;
  }
  if (at !== bytes.length) throw new HeadFileError('head weights file has trailing bytes');
  const head = { shape, ...tensors } as HeadWeights;
  for (const name of TENSORS)
    if (!head[name]) throw new HeadFileError(`head weights file lacks ${name}`);
  const meta: HeadMeta = { layers: header.layers, views: header.views, training: header.training };
  if (header.layerNorm) meta.layerNorm = true;
  if (header.blend) meta.blend = header.blend;
  return { head, meta };
}
