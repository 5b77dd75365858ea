import { describe, expect, it } from 'vitest';
import { seededRandom } from '../search/seeded-random.ts';
import { crc32c } from './crc32c.ts';
import {
  SHARD_ALIGN,
  ShardFormatError,
  decodeShard,
  encodeShard,
  type DecodedShard,
  type ShardErrorCode,
} from './shard.ts';

const random = seededRandom(2024);
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const MODEL_HASH = 'ab'.repeat(32);

function sample(count: number, dim: number, modelId = 'mobilenet-v2', start = 0) {
  const codes = Int8Array.from({ length: count * dim }, () => int(-127, 127));
  const scales = Float32Array.from({ length: count }, () => random() / 100);
  return { modelId, modelHash: MODEL_HASH, dim, start, codes, scales };
}

/** The error code decodeShard throws for `bytes`, or 'ok' (then checks the result's invariants). */
function outcome(bytes: Uint8Array, expect?: { dim?: number; modelId?: string }): string {
  let decoded: DecodedShard;
  try {
    decoded = decodeShard(bytes, expect);
  } catch (error) {
    if (!(error instanceof ShardFormatError)) throw error;
    return error.code;
  }
  const { header, codes, scales } = decoded;
  if (codes.length !== header.count * header.dim || scales.length !== header.count) {
    throw new Error('decoded sections disagree with the header');
  }
  if (codes.buffer !== bytes.buffer) throw new Error('codes were copied');
  return 'ok';
}

/** Rewrites the trailer so a deliberately edited shard gets past the checksum. */
function reseal(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(bytes.length - 4, crc32c(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

describe('encodeShard / decodeShard', () => {
  it.each([
    [0, 16],
    [1, 1],
    [3, 7],
    [24, 512],
    [100, 1280],
  ])('round-trips %i vectors of dim %i as views into the input', (count, dim) => {
    const input = sample(count, dim, 'clip-vit-b32', 4096);
    const bytes = encodeShard(input);
    expect(bytes.length % SHARD_ALIGN).toBe(4); // aligned sections + the 4-byte trailer
    const { header, codes, scales } = decodeShard(bytes, { modelId: 'clip-vit-b32', dim });
    expect(header).toEqual({
      version: 1,
      scheme: 'int8-symmetric-per-vector',
      modelId: 'clip-vit-b32',
      modelHash: MODEL_HASH,
      dim,
      count,
      start: 4096,
    });
    expect(codes).toEqual(input.codes);
    expect(scales).toEqual(input.scales);
    expect(codes.buffer).toBe(bytes.buffer);
    expect(scales.buffer).toBe(bytes.buffer);
    expect(codes.byteOffset % SHARD_ALIGN).toBe(0);
    expect(scales.byteOffset % SHARD_ALIGN).toBe(0);
  });

  it('round-trips a centred shard with its centre', () => {
    const input = { ...sample(9, 20), center: Float32Array.from({ length: 20 }, (_, j) => j / 40) };
    const bytes = encodeShard(input);
    const decoded = decodeShard(bytes, { dim: 20 });
    expect(decoded.header.scheme).toBe('int8-centered-symmetric-per-vector');
    expect(decoded.center).toEqual(input.center);
    expect(decoded.center!.buffer).toBe(bytes.buffer);
    expect(decoded.center!.byteOffset % SHARD_ALIGN).toBe(0);
    expect(decoded.codes).toEqual(input.codes);
    expect(decoded.scales).toEqual(input.scales);
    expect(decodeShard(encodeShard(sample(2, 4))).center).toBeNull();
    const nan = encodeShard({ ...input, center: input.center });
    new DataView(nan.buffer).setFloat32(decodeShard(nan).center!.byteOffset, NaN, true);
    expect(outcome(reseal(nan))).toBe('center');
  });

  it('copies only the scales when the input itself is misaligned', () => {
    const bytes = encodeShard(sample(5, 8));
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const { codes, scales } = decodeShard(shifted.subarray(1));
    expect(codes.buffer).toBe(shifted.buffer);
    expect(scales.buffer).not.toBe(shifted.buffer);
    expect(scales).toEqual(decodeShard(bytes).scales);
  });

  it('refuses shards of another model, build or dim', () => {
    const bytes = encodeShard(sample(2, 8));
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as ShardFormatError).code;
      }
      return 'ok';
    };
    expect(codeOf(() => decodeShard(bytes, { dim: 16 }))).toBe('dim');
    expect(codeOf(() => decodeShard(bytes, { modelId: 'other' }))).toBe('model');
    expect(codeOf(() => decodeShard(bytes, { modelHash: 'cd'.repeat(32) }))).toBe('model');
    expect(codeOf(() => encodeShard({ ...sample(2, 8), dim: 7 }))).toBe('count');
  });
});

describe('decodeShard fuzzing (seeded)', () => {
  const small = encodeShard(sample(5, 12));
  const centred = encodeShard({ ...sample(3, 10), center: new Float32Array(10).fill(0.1) });
  const cases = { count: 0 };
  const expectError = (bytes: Uint8Array, codes?: ShardErrorCode[]) => {
    cases.count++;
    const result = outcome(bytes);
    if (codes) expect(codes).toContain(result);
    else expect(result).not.toBe('ok');
  };

  it('refuses random bytes', () => {
    for (let t = 0; t < 2000; t++) {
      const bytes = Uint8Array.from({ length: int(0, 400) }, () => int(0, 255));
      // Half of them get a valid magic and version, to reach the deeper checks.
      if (t % 2 && bytes.length >= 10) {
        bytes.set(small.subarray(0, 10));
      }
      expectError(bytes);
    }
  });

  it('refuses every truncation and any trailing bytes', () => {
    for (const shard of [small, centred]) {
      for (let length = 0; length < shard.length; length++) {
        expectError(shard.slice(0, length), ['truncated', 'count', 'magic']);
      }
    }
    for (let extra = 1; extra <= 64; extra++) {
      const longer = new Uint8Array(small.length + extra);
      longer.set(small);
      expectError(longer, ['length']);
    }
  });

  it('detects flipped bytes anywhere', () => {
    for (let t = 0; t < 3000; t++) {
      const bytes = (t % 2 ? centred : small).slice();
      const original = t % 2 ? centred : small;
      const flips = int(1, 3);
      for (let f = 0; f < flips; f++) bytes[int(0, bytes.length - 1)] ^= int(1, 255);
      if (bytes.every((b, i) => b === original[i])) continue; // two flips cancelled out
      expectError(bytes);
    }
  });

  it('refuses resealed headers with wrong versions, dims, counts and sizes', () => {
    const fields: [offset: number, bytes: 2 | 4][] = [
      [8, 2], // version
      [10, 2], // scheme
      [12, 4], // header bytes
      [16, 4], // dim
      [20, 4], // count
      [24, 4], // start
      [28, 2], // model id length
      [30, 2], // model hash length
    ];
    for (let t = 0; t < 3000; t++) {
      const bytes = small.slice();
      const view = new DataView(bytes.buffer);
      const [offset, size] = fields[t % fields.length];
      const absurd = [0, 1, 0xffff, 0x7fffffff, 0xffffffff, int(0, 2 ** 32 - 1), int(2, 64)][
        int(0, 6)
      ];
      if (size === 2) view.setUint16(offset, absurd & 0xffff, true);
      else view.setUint32(offset, absurd >>> 0, true);
      reseal(bytes);
      cases.count++;
      // A typed error, or (when the edit happens to stay consistent, e.g. dim 12 → 10 fits the
      // same padded section) a decode whose sections match its header: outcome() checks both.
      expect([
        'ok',
        'version',
        'scheme',
        'header',
        'dim',
        'count',
        'truncated',
        'length',
        'scales',
        'center',
      ]).toContain(outcome(bytes));
    }
  });

  it('names the failing check', () => {
    const at = (edit: (view: DataView, bytes: Uint8Array) => void) => {
      const bytes = small.slice();
      edit(new DataView(bytes.buffer), bytes);
      return outcome(reseal(bytes));
    };
    expect(at((_, b) => (b[0] = 0x58))).toBe('magic');
    expect(at((v) => v.setUint16(8, 2, true))).toBe('version');
    expect(at((v) => v.setUint16(10, 9, true))).toBe('scheme');
    expect(at((v) => v.setUint32(16, 0, true))).toBe('dim');
    expect(at((v) => v.setUint32(16, 100_000, true))).toBe('dim');
    expect(at((v) => v.setUint32(20, 0xffffffff, true))).toBe('count');
    expect(at((v) => v.setUint32(20, 6, true))).toBe('truncated');
    expect(at((v) => v.setUint32(12, 17, true))).toBe('header');
    expect(at((v) => v.setFloat32(v.getUint32(12, true), NaN, true))).toBe('scales');
    expect(at((v) => v.setFloat32(v.getUint32(12, true) + 4, -1, true))).toBe('scales');
    expect(at((_, b) => (b[32] = 0xff))).toBe('header'); // model id is not UTF-8
    expect(outcome(small, { dim: 13 })).toBe('dim');
    expect(outcome(small, { modelId: 'x' })).toBe('model');
    const flipped = small.slice();
    flipped[flipped.length - 20] ^= 1;
    expect(outcome(flipped)).toBe('checksum');
  });

  it('ran enough cases without a large allocation', () => {
    expect(cases.count).toBeGreaterThanOrEqual(8000);
    // decodeShard returns views and checks sizes before reading: the fuzz allocates nothing big.
    expect(process.memoryUsage().arrayBuffers).toBeLessThan(256 * 1024 * 1024);
  });
});
