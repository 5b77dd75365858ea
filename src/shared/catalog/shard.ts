/** The binary vector shard (see docs/shard-format.md): encode, and a strict zero-copy decode. */
import { crc32c } from './crc32c.ts';

export const SHARD_MAGIC = 'LKSHARD1';
export const SHARD_FORMAT_VERSION = 1;
export const SHARD_SCHEMES = {
  'int8-symmetric-per-vector': 1,
  /** Codes of the residual from a centre vector (the catalog mean), stored in the shard. */
  'int8-centered-symmetric-per-vector': 2,
} as const;
export type ShardScheme = keyof typeof SHARD_SCHEMES;

/** Sections start on 16-byte boundaries so typed-array views (and SIMD loads) need no copy. */
export const SHARD_ALIGN = 16;
const FIXED_HEADER_BYTES = 32;
const TRAILER_BYTES = 4;
/** Largest vector width a shard may declare. */
export const SHARD_MAX_DIM = 16384;
/** Largest header (fixed part + model id + model hash), so a bad length cannot mean a big read. */
const MAX_HEADER_BYTES = 4096;
const MAX_STRING_BYTES = 1024;
/** Largest shard (2 GiB): a header promising more is absurd, whatever the file's length. */
export const SHARD_MAX_BYTES = 2 ** 31;

export type ShardErrorCode =
  | 'truncated'
  | 'magic'
  | 'version'
  | 'scheme'
  | 'header'
  | 'dim'
  | 'count'
  | 'length'
  | 'checksum'
  | 'model'
  | 'scales'
  | 'center';

/** Any malformed or unexpected shard; `code` says which check failed. */
export class ShardFormatError extends Error {
  override name = 'ShardFormatError';
  constructor(
    readonly code: ShardErrorCode,
    message: string,
  ) {
    super(`shard: ${message}`);
  }
}

export interface ShardHeader {
  version: number;
  scheme: ShardScheme;
  modelId: string;
  /** The model file's sha256 (hex), so vectors from another model build are refused. */
  modelHash: string;
  dim: number;
  count: number;
  /** Index of the shard's first vector in the whole catalog. */
  start: number;
}

export interface ShardInput {
  modelId: string;
  modelHash: string;
  dim: number;
  start: number;
  codes: Int8Array;
  scales: Float32Array;
  /** The centre the codes are relative to (quantiseVectors' `center`); sets the centred scheme. */
  center?: Float32Array | null;
}

export interface DecodedShard {
  header: ShardHeader;
  /** The centre (centred scheme) or null; a view unless the input is not 4-byte aligned. */
  center: Float32Array | null;
  /** View into the input bytes (a copy only when the input itself is not 4-byte aligned). */
  scales: Float32Array;
  /** View into the input bytes. */
  codes: Int8Array;
}

function fail(code: ShardErrorCode, message: string): never {
  throw new ShardFormatError(code, message);
}

const align = (n: number) => Math.ceil(n / SHARD_ALIGN) * SHARD_ALIGN;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

interface Sections {
  centerOffset: number;
  scalesOffset: number;
  codesOffset: number;
  trailerOffset: number;
  totalBytes: number;
}

function sectionsOf(headerBytes: number, dim: number, count: number, centered: boolean): Sections {
  const centerOffset = headerBytes;
  const scalesOffset = align(centerOffset + (centered ? dim * 4 : 0));
  const codesOffset = align(scalesOffset + count * 4);
  const trailerOffset = align(codesOffset + count * dim);
  return {
    centerOffset,
    scalesOffset,
    codesOffset,
    trailerOffset,
    totalBytes: trailerOffset + TRAILER_BYTES,
  };
}

export function encodeShard(input: ShardInput): Uint8Array {
  const { modelId, modelHash, dim, start, codes, scales } = input;
  const center = input.center ?? null;
  const scheme: ShardScheme = center
    ? 'int8-centered-symmetric-per-vector'
    : 'int8-symmetric-per-vector';
  const count = scales.length;
  if (!Number.isInteger(dim) || dim < 1 || dim > SHARD_MAX_DIM) fail('dim', `bad dim ${dim}`);
  if (codes.length !== count * dim) fail('count', `${codes.length} codes for ${count} × ${dim}`);
  if (!Number.isInteger(start) || start < 0 || start + count > 0xffffffff) {
    fail('count', `bad start ${start}`);
  }
  const idBytes = utf8.encode(modelId);
  const hashBytes = utf8.encode(modelHash);
  if (idBytes.length > MAX_STRING_BYTES || hashBytes.length > MAX_STRING_BYTES) {
    fail('header', 'model id or hash too long');
  }
  const headerBytes = align(FIXED_HEADER_BYTES + idBytes.length + hashBytes.length);
  if (center && (center.length !== dim || !center.every(Number.isFinite))) {
    fail('center', `the centre must hold ${dim} finite values`);
  }
  const sections = sectionsOf(headerBytes, dim, count, center !== null);
  if (sections.totalBytes > SHARD_MAX_BYTES) fail('count', `${count} vectors exceed one shard`);
  const bytes = new Uint8Array(sections.totalBytes);
  const view = new DataView(bytes.buffer);
  bytes.set(utf8.encode(SHARD_MAGIC), 0);
  view.setUint16(8, SHARD_FORMAT_VERSION, true);
  view.setUint16(10, SHARD_SCHEMES[scheme], true);
  view.setUint32(12, headerBytes, true);
  view.setUint32(16, dim, true);
  view.setUint32(20, count, true);
  view.setUint32(24, start, true);
  view.setUint16(28, idBytes.length, true);
  view.setUint16(30, hashBytes.length, true);
  bytes.set(idBytes, FIXED_HEADER_BYTES);
  bytes.set(hashBytes, FIXED_HEADER_BYTES + idBytes.length);
  if (center) new Float32Array(bytes.buffer, sections.centerOffset, dim).set(center);
  new Float32Array(bytes.buffer, sections.scalesOffset, count).set(scales);
  new Int8Array(bytes.buffer, sections.codesOffset, count * dim).set(codes);
  view.setUint32(sections.trailerOffset, crc32c(bytes.subarray(0, sections.trailerOffset)), true);
  return bytes;
}

/** A Float32Array over bytes[offset, offset + 4 × length): a view, or a copy if misaligned. */
function floatsAt(bytes: Uint8Array, offset: number, length: number): Float32Array {
  const at = bytes.byteOffset + offset;
  return at % 4 === 0
    ? new Float32Array(bytes.buffer, at, length)
    : new Float32Array(bytes.slice(offset, offset + length * 4).buffer);
}

/** The fixed header's fields, each checked on its own (sizes against the limits). */
function readFixedHeader(bytes: Uint8Array, view: DataView) {
  if (bytes.length < FIXED_HEADER_BYTES + TRAILER_BYTES) {
    fail('truncated', `${bytes.length} bytes is shorter than any shard`);
  }
  for (let i = 0; i < SHARD_MAGIC.length; i++) {
    if (bytes[i] !== SHARD_MAGIC.charCodeAt(i)) fail('magic', 'not a Lookalike vector shard');
  }
  const version = view.getUint16(8, true);
  if (version !== SHARD_FORMAT_VERSION) {
    fail('version', `format version ${version}, this app reads ${SHARD_FORMAT_VERSION}`);
  }
  const schemeId = view.getUint16(10, true);
  const scheme = (Object.keys(SHARD_SCHEMES) as ShardScheme[]).find(
    (name) => SHARD_SCHEMES[name] === schemeId,
  );
  if (!scheme) fail('scheme', `unknown quantisation scheme ${schemeId}`);
  const headerBytes = view.getUint32(12, true);
  const dim = view.getUint32(16, true);
  const count = view.getUint32(20, true);
  const start = view.getUint32(24, true);
  const idLength = view.getUint16(28, true);
  const hashLength = view.getUint16(30, true);
  if (
    headerBytes % SHARD_ALIGN !== 0 ||
    headerBytes > MAX_HEADER_BYTES ||
    idLength > MAX_STRING_BYTES ||
    hashLength > MAX_STRING_BYTES ||
    headerBytes < FIXED_HEADER_BYTES + idLength + hashLength
  ) {
    fail('header', `inconsistent header size ${headerBytes}`);
  }
  if (dim < 1 || dim > SHARD_MAX_DIM) fail('dim', `bad dim ${dim}`);
  if (start + count > 0xffffffff) fail('count', `items ${start}+${count} overflow the index`);
  return { version, scheme, headerBytes, dim, count, start, idLength, hashLength };
}

/** The sections the header promises, checked against the actual length and the checksum. */
function checkedSections(
  bytes: Uint8Array,
  view: DataView,
  header: ReturnType<typeof readFixedHeader>,
) {
  const { headerBytes, dim, count } = header;
  // Doubles hold these products exactly (< 2^53), so no overflow can fake a match.
  const centered = header.scheme === 'int8-centered-symmetric-per-vector';
  const sections = sectionsOf(headerBytes, dim, count, centered);
  if (sections.totalBytes > SHARD_MAX_BYTES) fail('count', `absurd vector count ${count}`);
  if (sections.totalBytes > bytes.length) {
    fail('truncated', `header promises ${sections.totalBytes} bytes, got ${bytes.length}`);
  }
  if (sections.totalBytes < bytes.length) {
    fail('length', `${bytes.length - sections.totalBytes} unexpected bytes after the shard`);
  }
  const stored = view.getUint32(sections.trailerOffset, true);
  if (crc32c(bytes.subarray(0, sections.trailerOffset)) !== stored) {
    fail('checksum', 'CRC-32C mismatch: the shard is corrupt');
  }
  return { sections, centered };
}

/** The model id and hash after the fixed header (strict UTF-8). */
function readModelStrings(bytes: Uint8Array, idLength: number, hashLength: number) {
  const idEnd = FIXED_HEADER_BYTES + idLength;
  try {
    return {
      modelId: strictUtf8.decode(bytes.subarray(FIXED_HEADER_BYTES, idEnd)),
      modelHash: strictUtf8.decode(bytes.subarray(idEnd, idEnd + hashLength)),
    };
  } catch {
    return fail('header', 'model id or hash is not UTF-8');
  }
}

/**
 * Validates and decodes a shard. Every size is checked against the actual byte length before
 * anything is read or allocated, so hostile headers cannot cause big allocations.
 */
export function decodeShard(
  bytes: Uint8Array,
  expect: { modelId?: string; modelHash?: string; dim?: number } = {},
): DecodedShard {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = readFixedHeader(bytes, view);
  const { version, scheme, dim, count, start } = header;
  if (expect.dim !== undefined && dim !== expect.dim) {
    fail('dim', `vectors have dim ${dim}, expected ${expect.dim}`);
  }
  const { sections, centered } = checkedSections(bytes, view, header);
  const { modelId, modelHash } = readModelStrings(bytes, header.idLength, header.hashLength);
  if (expect.modelId !== undefined && modelId !== expect.modelId) {
    fail('model', `vectors are from model ${modelId}, expected ${expect.modelId}`);
  }
  if (expect.modelHash !== undefined && modelHash !== expect.modelHash) {
    fail('model', `vectors are from another build of ${modelId}`);
  }

  const scales = floatsAt(bytes, sections.scalesOffset, count);
  for (let i = 0; i < count; i++) {
    // `!(x >= 0)` also catches NaN.
    if (!(scales[i] >= 0) || scales[i] === Infinity) {
      fail('scales', `vector ${i} has scale ${scales[i]}`);
    }
  }
  const center = centered ? floatsAt(bytes, sections.centerOffset, dim) : null;
  if (center && !center.every(Number.isFinite)) fail('center', 'the centre is not finite');
  const codes = new Int8Array(bytes.buffer, bytes.byteOffset + sections.codesOffset, count * dim);
  return {
    header: { version, scheme, modelId, modelHash, dim, count, start },
    center,
    scales,
    codes,
  };
}
