/**
 * Decodes a model's uint8-coded weights before onnxruntime sees them. The build stores each
 * weight as `Cast(codes) * scale + offset` (a quarter of the float bytes on the wire); left in
 * the graph, onnxruntime's constant folding evaluates those nodes while the session opens, which
 * was half of the session's creation and most of its memory peak (docs/startup.md, sixth
 * session). Here the same arithmetic runs once, in a small WebAssembly module
 * (decode-weights.wat), and the graph gets plain float initialisers that point into one
 * external-data buffer (onnxruntime-web's `externalData`).
 */
import { decodeBase64 } from '../base64.ts';
import { DECODE_WEIGHTS_BASE64 } from './generated/decode-weights-wasm.ts';
import { int64s, readFields, strings, WireWriter, type WireField } from './protobuf-wire.ts';

/** The external-data file the rewritten graph points into. */
export const DECODED_WEIGHTS_PATH = 'decoded-weights.bin';

export interface DecodedModel {
  /** The graph, with every coded weight replaced by a float initialiser held externally. */
  model: Uint8Array;
  /**
   * The float weights, for `externalData: [{ path: DECODED_WEIGHTS_PATH, data }]`: a view into
   * the decoder's memory, garbage once the caller drops it.
   */
  weights: Uint8Array;
  /** How many coded weights were decoded (0: the model is returned as it was). */
  decoded: number;
}

// ONNX protobuf field numbers (onnx.proto3).
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_OP_TYPE = 4;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const FLOAT = 1;
const UINT8 = 2;
const EXTERNAL = 1;
/** Each weight starts on a 64-byte boundary of the buffer, as SIMD loads like. */
const ALIGN = 64;

interface Node {
  raw: Uint8Array;
  op: string;
  inputs: string[];
  outputs: string[];
}

interface Tensor {
  raw: Uint8Array;
  dims: number[];
  dataType: number;
  data: Uint8Array | null;
}

function parseNode(field: WireField): Node {
  const fields = readFields(field.value);
  const [op = ''] = strings(fields, NODE_OP_TYPE);
  return {
    raw: field.raw,
    op,
    inputs: strings(fields, NODE_INPUT),
    outputs: strings(fields, NODE_OUTPUT),
  };
}

function parseTensor(field: WireField): [string, Tensor] {
  const fields = readFields(field.value);
  const [name = ''] = strings(fields, TENSOR_NAME);
  const dataType = fields.find((f) => f.field === TENSOR_DATA_TYPE)?.varint ?? 0;
  const data = fields.find((f) => f.field === TENSOR_RAW_DATA)?.value ?? null;
  return [name, { raw: field.raw, dims: int64s(fields, TENSOR_DIMS), dataType, data }];
}

/** A coded weight: the three nodes that decode it and the three initialisers they read. */
interface CodedWeight {
  name: string;
  dims: number[];
  codes: Uint8Array;
  scales: Uint8Array;
  offsets: Uint8Array;
  /** Elements per step of the scale's axis (1: the last axis); 0 when one scale serves all. */
  inner: number;
  channels: number;
  nodes: Node[];
  initialisers: string[];
}

/** The element stride of the one axis `scaleDims` varies along, or 0 when it is per tensor. */
function scaleStride(dims: number[], scaleDims: number[]): number | null {
  if (scaleDims.length !== dims.length) return scaleDims.every((d) => d === 1) ? 0 : null;
  const axes = scaleDims.flatMap((d, i) => (d === 1 ? [] : [i]));
  if (axes.length === 0) return 0;
  if (axes.length > 1 || scaleDims[axes[0]] !== dims[axes[0]]) return null;
  return dims.slice(axes[0] + 1).reduce((a, b) => a * b, 1);
}

/** `Add(Mul(Cast(codes), scale), offset)` with uint8 codes and float scale and offset, or null. */
function codedWeight(
  add: Node,
  producer: Map<string, Node>,
  tensors: Map<string, Tensor>,
): CodedWeight | null {
  const mul = producer.get(add.inputs[0]);
  const cast = mul && mul.op === 'Mul' ? producer.get(mul.inputs[0]) : undefined;
  if (!mul || !cast || cast.op !== 'Cast' || add.inputs.length !== 2 || mul.inputs.length !== 2)
    return null;
  const codes = tensors.get(cast.inputs[0]);
  const scale = tensors.get(mul.inputs[1]);
  const offset = tensors.get(add.inputs[1]);
  if (codes?.dataType !== UINT8 || scale?.dataType !== FLOAT || offset?.dataType !== FLOAT)
    return null;
  if (!codes.data || !scale.data || !offset.data) return null;
  const inner = scaleStride(codes.dims, scale.dims);
  if (inner === null || scaleStride(codes.dims, offset.dims) !== inner) return null;
  const channels = scale.data.length / 4;
  const count = codes.dims.reduce((a, b) => a * b, 1);
  if (codes.data.length !== count || offset.data.length !== scale.data.length) return null;
  if (inner === 0 ? channels !== 1 : count % (inner * channels) !== 0) return null;
  return {
    name: add.outputs[0],
    dims: codes.dims,
    codes: codes.data,
    scales: scale.data,
    offsets: offset.data,
    inner,
    channels,
    nodes: [cast, mul, add],
    initialisers: [cast.inputs[0], mul.inputs[1], add.inputs[1]],
  };
}

/** What decode-weights.wat exports (pointers are byte offsets into its memory). */
interface DecoderExports {
  memory: WebAssembly.Memory;
  decode_blocks(
    codes: number,
    out: number,
    count: number,
    inner: number,
    channels: number,
    scales: number,
    offsets: number,
  ): void;
  decode_rows(
    codes: number,
    out: number,
    count: number,
    cols: number,
    scales: number,
    offsets: number,
  ): void;
}

let decoderModule: WebAssembly.Module | undefined;

/** A decoder instance whose memory holds `bytes`; synchronous, the module is a few hundred bytes. */
function decoder(bytes: number): DecoderExports {
  decoderModule ??= new WebAssembly.Module(decodeBase64(DECODE_WEIGHTS_BASE64));
  const exports = new WebAssembly.Instance(decoderModule).exports as unknown as DecoderExports;
  const pages = Math.ceil(bytes / 65536) - exports.memory.buffer.byteLength / 65536;
  if (pages > 0) exports.memory.grow(pages);
  return exports;
}

/** Decodes every weight into `out` (byte offset `outAt` of the decoder's memory, `at[i]` apart). */
function decodeAll(
  modelBytes: Uint8Array,
  weights: CodedWeight[],
  at: number[],
  size: number,
): Uint8Array {
  const base = Math.ceil(modelBytes.length / ALIGN) * ALIGN;
  const wasm = decoder(base + size);
  new Uint8Array(wasm.memory.buffer).set(modelBytes);
  const ptr = (view: Uint8Array) => view.byteOffset - modelBytes.byteOffset;
  weights.forEach((w, i) => {
    const [codes, out, scales, offsets] = [
      ptr(w.codes),
      base + at[i],
      ptr(w.scales),
      ptr(w.offsets),
    ];
    if (w.inner === 1) wasm.decode_rows(codes, out, w.codes.length, w.channels, scales, offsets);
    else {
      const inner = w.inner === 0 ? w.codes.length : w.inner;
      wasm.decode_blocks(codes, out, w.codes.length, inner, w.channels, scales, offsets);
    }
  });
  return new Uint8Array(wasm.memory.buffer, base, size);
}

function externalTensor(weight: CodedWeight, offset: number, length: number): Uint8Array {
  const entry = (key: string, value: string) =>
    new WireWriter().string(1, key).string(2, value).finish();
  const tensor = new WireWriter();
  for (const d of weight.dims) tensor.varint(TENSOR_DIMS, d);
  return tensor
    .varint(TENSOR_DATA_TYPE, FLOAT)
    .string(TENSOR_NAME, weight.name)
    .bytes(TENSOR_EXTERNAL_DATA, entry('location', DECODED_WEIGHTS_PATH))
    .bytes(TENSOR_EXTERNAL_DATA, entry('offset', String(offset)))
    .bytes(TENSOR_EXTERNAL_DATA, entry('length', String(length)))
    .varint(TENSOR_DATA_LOCATION, EXTERNAL)
    .finish();
}

/** Finds the coded weights of `graph`; each of their nodes and initialisers is used by no one else. */
function findCodedWeights(nodes: Node[], tensors: Map<string, Tensor>): CodedWeight[] {
  const producer = new Map<string, Node>();
  const readers = new Map<string, number>();
  for (const node of nodes) {
    for (const output of node.outputs) producer.set(output, node);
    for (const input of node.inputs) readers.set(input, (readers.get(input) ?? 0) + 1);
  }
  const privateTo = (weight: CodedWeight) =>
    [...weight.initialisers, weight.nodes[0].outputs[0], weight.nodes[1].outputs[0]].every(
      (name) => readers.get(name) === 1,
    );
  return nodes
    .filter((n) => n.op === 'Add')
    .map((add) => codedWeight(add, producer, tensors))
    .filter((w): w is CodedWeight => w !== null && privateTo(w));
}

/**
 * The model with its coded weights decoded into an external buffer. A model without any (or not
 * built by this project) comes back unchanged with `decoded: 0` and an empty buffer.
 */
export function decodeCodedWeights(modelBytes: Uint8Array): DecodedModel {
  const modelFields = readFields(modelBytes);
  const graphField = modelFields.find((f) => f.field === MODEL_GRAPH);
  const unchanged = { model: modelBytes, weights: new Uint8Array(0), decoded: 0 };
  if (!graphField) return unchanged;
  const graphFields = readFields(graphField.value);
  const nodes = graphFields.filter((f) => f.field === GRAPH_NODE).map(parseNode);
  const tensors = new Map(
    graphFields.filter((f) => f.field === GRAPH_INITIALIZER).map(parseTensor),
  );
  const weights = findCodedWeights(nodes, tensors);
  if (weights.length === 0) return unchanged;

  const offsets: number[] = [];
  let size = 0;
  for (const w of weights) {
    offsets.push(size);
    size += Math.ceil((w.codes.length * 4) / ALIGN) * ALIGN;
  }
  const droppedNodes = new Set(weights.flatMap((w) => w.nodes.map((n) => n.raw)));
  const droppedTensors = new Set(
    weights.flatMap((w) => w.initialisers.map((name) => tensors.get(name)!.raw)),
  );
  const graph = new WireWriter();
  for (const field of graphFields) {
    if (!droppedNodes.has(field.raw) && !droppedTensors.has(field.raw)) graph.raw(field.raw);
  }
  weights.forEach((w, i) =>
    graph.bytes(GRAPH_INITIALIZER, externalTensor(w, offsets[i], w.codes.length * 4)),
  );
  const model = new WireWriter();
  for (const field of modelFields) {
    if (field === graphField) model.bytes(MODEL_GRAPH, graph.finish());
    else model.raw(field.raw);
  }
  return {
    model: model.finish(),
    weights: decodeAll(modelBytes, weights, offsets, size),
    decoded: weights.length,
  };
}
