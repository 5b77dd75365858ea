/**
 * Just enough of protobuf's wire format to take an ONNX model apart and put it back together
 * in a worker, without a protobuf library in the bundle: fields are read as byte ranges and
 * written back as they were, unless the caller replaces them.
 */

/** One field of a message: its number, wire type and bytes (the value, without the tag). */
export interface WireField {
  readonly field: number;
  readonly wireType: number;
  /** For wire type 0, the varint's value; otherwise unused (0). */
  readonly varint: number;
  /** The field's whole encoding, tag included, as a view into the message. */
  readonly raw: Uint8Array;
  /** For wire type 2, the payload; for the others, the value's bytes. */
  readonly value: Uint8Array;
}

export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    const byte = bytes[i];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, i + 1];
  }
  throw new WireFormatError(`a varint at byte ${at} does not end`);
}

/** The fields of one message, in order. */
export function readFields(message: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < message.length) {
    const start = at;
    const [tag, afterTag] = readVarint(message, at);
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    let varint = 0;
    let valueStart = afterTag;
    if (wireType === 0) [varint, at] = readVarint(message, afterTag);
    else if (wireType === 1) at = afterTag + 8;
    else if (wireType === 5) at = afterTag + 4;
    else if (wireType === 2) {
      const [length, afterLength] = readVarint(message, afterTag);
      valueStart = afterLength;
      at = afterLength + length;
    } else throw new WireFormatError(`wire type ${wireType} at byte ${start} is not supported`);
    if (at > message.length) throw new WireFormatError(`field ${field} runs past the message`);
    const raw = message.subarray(start, at);
    fields.push({ field, wireType, varint, raw, value: message.subarray(valueStart, at) });
  }
  return fields;
}

const decoder = new TextDecoder();

export function fieldString(field: WireField): string {
  return decoder.decode(field.value);
}

/** The strings of every `number` field (a repeated string field). */
export function strings(fields: readonly WireField[], number: number): string[] {
  return fields.filter((f) => f.field === number).map(fieldString);
}

/** A repeated int64 field's values, packed or not. */
export function int64s(fields: readonly WireField[], number: number): number[] {
  const values: number[] = [];
  for (const f of fields) {
    if (f.field !== number) continue;
    if (f.wireType === 0) values.push(f.varint);
    else
      for (let at = 0; at < f.value.length;) [values[values.length], at] = readVarint(f.value, at);
  }
  return values;
}

/** Writes messages field by field; `finish()` returns the bytes. */
export class WireWriter {
  readonly #parts: Uint8Array[] = [];
  #length = 0;

  #push(bytes: Uint8Array): void {
    this.#parts.push(bytes);
    this.#length += bytes.length;
  }

  #varint(value: number): void {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 128) | 0x80);
      rest = Math.floor(rest / 128);
    }
    bytes.push(rest);
    this.#push(Uint8Array.from(bytes));
  }

  /** A field copied as it was read. */
  raw(bytes: Uint8Array): this {
    this.#push(bytes);
    return this;
  }

  varint(field: number, value: number): this {
    this.#varint(field * 8);
    this.#varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.#varint(field * 8 + 2);
    this.#varint(value.length);
    this.#push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const part of this.#parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}
