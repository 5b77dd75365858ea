import { describe, expect, it } from 'vitest';
import {
  fieldString,
  int64s,
  readFields,
  strings,
  WireFormatError,
  WireWriter,
} from './protobuf-wire.ts';

describe('protobuf wire format', () => {
  it('reads back what it writes: varints past 32 bits, strings, bytes and nested messages', () => {
    const inner = new WireWriter().string(1, 'location').string(2, 'decoded-weights.bin').finish();
    const message = new WireWriter()
      .varint(1, 3)
      .varint(1, 2 ** 40 + 5)
      .bytes(13, inner)
      .string(8, 'conv_w')
      .varint(14, 1)
      .finish();
    const fields = readFields(message);
    expect(fields.map((f) => [f.field, f.wireType])).toEqual([
      [1, 0],
      [1, 0],
      [13, 2],
      [8, 2],
      [14, 0],
    ]);
    expect(int64s(fields, 1)).toEqual([3, 2 ** 40 + 5]);
    expect(strings(fields, 8)).toEqual(['conv_w']);
    expect(readFields(fields[2].value).map(fieldString)).toEqual([
      'location',
      'decoded-weights.bin',
    ]);
    // raw is each field's whole encoding: copied back in order, the message is the same bytes
    const copy = new WireWriter();
    for (const f of fields) copy.raw(f.raw);
    expect(copy.finish()).toEqual(message);
  });

  it('reads packed repeated int64 fields (as protobuf 3 writes dims)', () => {
    const packed = new WireWriter()
      .bytes(1, Uint8Array.from([0x80, 0x01, 0x03, 0xe0, 0x07]))
      .finish();
    expect(int64s(readFields(packed), 1)).toEqual([128, 3, 992]);
  });

  it('skips fixed-width fields and rejects what is cut short or unknown', () => {
    const fixed = Uint8Array.from([0x0d, 1, 2, 3, 4, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x18, 7]);
    expect(readFields(fixed).map((f) => [f.field, f.value.length])).toEqual([
      [1, 4],
      [2, 8],
      [3, 1],
    ]);
    expect(() => readFields(Uint8Array.from([0x0a, 5, 1, 2]))).toThrow(WireFormatError);
    expect(() => readFields(Uint8Array.from([0x08, 0x80, 0x80]))).toThrow(WireFormatError);
    expect(() => readFields(Uint8Array.from([0x0b]))).toThrow(/wire type 3/);
  });
});
