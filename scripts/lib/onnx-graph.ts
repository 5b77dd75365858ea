/** A small ONNX graph builder on top of the `onnx-proto` protobuf writer: initialisers, nodes, I/O. */
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

const { onnx } = onnxProto;

export type ElemType = 'float32' | 'uint8' | 'int8' | 'int32' | 'int64';

const dataTypes: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  uint8: onnx.TensorProto.DataType.UINT8,
  int8: onnx.TensorProto.DataType.INT8,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

type TensorData = Float32Array | Uint8Array | Int8Array | Int32Array | BigInt64Array;

/** A dimension: a fixed size or a symbolic name such as 'batch'. */
export type Dim = number | string;

/** An attribute value, tagged with its ONNX type so 6 (int) and 6.0 (float) stay distinct. */
export type Attr =
  | { int: number }
  | { float: number }
  | { ints: number[] }
  | { floats: number[] }
  | { string: string };

export const attr = {
  int: (value: number): Attr => ({ int: value }),
  float: (value: number): Attr => ({ float: value }),
  ints: (values: number[]): Attr => ({ ints: values }),
  floats: (values: number[]): Attr => ({ floats: values }),
  string: (value: string): Attr => ({ string: value }),
};

function attributeProto(name: string, value: Attr): Onnx.IAttributeProto {
  const type = onnx.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: type.INT, i: value.int };
  if ('float' in value) return { name, type: type.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: type.INTS, ints: value.ints };
  if ('floats' in value) return { name, type: type.FLOATS, floats: value.floats };
  return { name, type: type.STRING, s: new TextEncoder().encode(value.string) };
}

function valueInfo(name: string, elem: ElemType, dims: Dim[]): Onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: dataTypes[elem], shape: { dim } } } };
}

function elemTypeOf(data: TensorData): ElemType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int32Array) return 'int32';
  return 'int64';
}

export interface ModelMetadata {
  producer: string;
  docString?: string;
  /** Free-form key/value pairs stored in the model (provenance, options). */
  props?: Record<string, string>;
}

/** Builds one ONNX graph; tensor names are unique, nodes are added in topological order. */
export class OnnxGraph {
  readonly opset: number;
  readonly #name: string;
  readonly #nodes: Onnx.INodeProto[] = [];
  readonly #initializers: Onnx.ITensorProto[] = [];
  readonly #inputs: Onnx.IValueInfoProto[] = [];
  readonly #outputs: Onnx.IValueInfoProto[] = [];
  readonly #names = new Set<string>();

  constructor(name: string, opset = 13) {
    this.#name = name;
    this.opset = opset;
  }

  /** A tensor name not used yet, derived from `base`. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.#names.has(name); i++) name = `${base}_${i}`;
    this.#names.add(name);
    return name;
  }

  input(name: string, elem: ElemType, dims: Dim[]): string {
    this.#claim(name);
    this.#inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  /** Declares an existing tensor as a graph output. */
  output(name: string, elem: ElemType, dims: Dim[]): void {
    if (!this.#names.has(name)) throw new Error(`ONNX graph: no tensor named ${name}`);
    this.#outputs.push(valueInfo(name, elem, dims));
  }

  /** A constant tensor stored in the model (little-endian raw bytes). */
  initializer(base: string, dims: number[], data: TensorData): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) {
      throw new Error(`ONNX graph: ${base} has ${data.length} values for dims [${dims}]`);
    }
    const name = this.uniqueName(base);
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    this.#initializers.push({ name, dims, dataType: dataTypes[elemTypeOf(data)], rawData });
    return name;
  }

  /**
   * A float weight stored quantised: `DequantizeLinear(values, scales, zeroPoints)` along `axis`
   * (per-channel when scales has one entry per slice, per-tensor when it has one entry).
   */
  dequantised(
    base: string,
    dims: number[],
    values: Int8Array | Uint8Array,
    scales: Float32Array,
    zeroPoints: Int8Array | Uint8Array,
    axis = 0,
  ): string {
    const perTensor = scales.length === 1;
    const qDims = perTensor ? [] : [scales.length];
    const q = this.initializer(`${base}_quantized`, dims, values);
    const scale = this.initializer(`${base}_scale`, qDims, scales);
    const zero = this.initializer(`${base}_zero_point`, qDims, zeroPoints);
    const attrs: Record<string, Attr> = perTensor ? {} : { axis: attr.int(axis) };
    return this.node('DequantizeLinear', [q, scale, zero], base, attrs);
  }

  /**
   * A float weight stored as uint8 codes with a scale and offset per slice of `axis` (0 for conv
   * kernels' output channels, 1 for a MatMul weight's output columns):
   * `Cast(codes) * scales + offsets`. onnxruntime folds this into a float initialiser when the
   * session loads; it leaves DequantizeLinear unfolded by default (to keep QDQ patterns), so
   * that form would dequantise on every run unless the session config says otherwise.
   */
  channelCodedWeights(
    base: string,
    dims: number[],
    codes: Uint8Array,
    scales: Float32Array,
    offsets: Float32Array,
    axis = 0,
  ): string {
    const channelDims = dims.map((d, i) => (i === axis ? d : 1));
    const q = this.initializer(`${base}_codes`, dims, codes);
    const scale = this.initializer(`${base}_scale`, channelDims, scales);
    const offset = this.initializer(`${base}_offset`, channelDims, offsets);
    const float = this.node('Cast', [q], `${base}_float`, { to: attr.int(dataTypes.float32) });
    const scaled = this.node('Mul', [float, scale], `${base}_scaled`);
    return this.node('Add', [scaled, offset], base);
  }

  /** Adds a node with one output named after `output` (made unique); returns that name. */
  node(op: string, inputs: string[], output: string, attrs: Record<string, Attr> = {}): string {
    return this.nodeMulti(op, inputs, [output], attrs)[0];
  }

  /** Adds a node with several outputs; returns their (unique) names. */
  nodeMulti(
    op: string,
    inputs: string[],
    outputs: string[],
    attrs: Record<string, Attr> = {},
  ): string[] {
    for (const input of inputs) {
      if (input !== '' && !this.#names.has(input)) {
        throw new Error(`ONNX graph: ${op} reads ${input}, which no earlier node makes`);
      }
    }
    const names = outputs.map((o) => this.uniqueName(o));
    const attribute = Object.entries(attrs).map(([key, value]) => attributeProto(key, value));
    this.#nodes.push({ opType: op, name: names[0], input: inputs, output: names, attribute });
    return names;
  }

  /** Serialises the model to ONNX protobuf bytes. */
  encode(meta: ModelMetadata): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 7,
      opsetImport: [{ domain: '', version: this.opset }],
      producerName: meta.producer,
      docString: meta.docString ?? '',
      metadataProps: Object.entries(meta.props ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.#name,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs,
        output: this.#outputs,
      },
    });
    // protobufjs hands out a Node Buffer, whose slice() is a view: return a plain copy.
    return new Uint8Array(onnx.ModelProto.encode(model).finish());
  }

  #claim(name: string): void {
    if (this.#names.has(name)) throw new Error(`ONNX graph: ${name} is defined twice`);
    this.#names.add(name);
  }
}
