/**
 * Reading constant tensors of a decoded ONNX model: initialisers, and the small constant
 * subgraphs the builder emits for coded weights (Cast, Mul, Add with broadcasting).
 */
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

const { onnx } = onnxProto;
const DataType = onnx.TensorProto.DataType;

export interface ConstTensor {
  dims: number[];
  values: Float64Array;
}

/** An initialiser's values as float64 (raw little-endian data, as OnnxGraph writes it). */
export function tensorValues(t: Onnx.ITensorProto): Float64Array {
  const raw = t.rawData ?? new Uint8Array(0);
  // A Node Buffer's slice() is a view on a shared pool: copy into a buffer of its own.
  const bytes = Uint8Array.from(raw).buffer;
  switch (t.dataType) {
    case DataType.FLOAT:
      return raw.length ? Float64Array.from(new Float32Array(bytes)) : Float64Array.from(t.floatData ?? []);
    case DataType.UINT8:
      return Float64Array.from(new Uint8Array(bytes));
    case DataType.INT8:
      return Float64Array.from(new Int8Array(bytes));
    case DataType.INT32:
      return Float64Array.from(new Int32Array(bytes));
    default:
      throw new Error(`ONNX tensor ${t.name}: data type ${t.dataType} is not read here`);
  }
}

/** Same-rank broadcasting of a binary op (each dim equal, or 1 on one side). */
function broadcast(a: ConstTensor, b: ConstTensor, op: (x: number, y: number) => number): ConstTensor {
  if (a.dims.length !== b.dims.length) throw new Error('constant folding: ranks differ');
  const dims = a.dims.map((d, i) => Math.max(d, b.dims[i]));
  const count = dims.reduce((x, y) => x * y, 1);
  const values = new Float64Array(count);
  const index = (t: ConstTensor, flat: number) => {
    let offset = 0;
    let rest = flat;
    let tStride = 1;
    for (let i = dims.length - 1; i >= 0; i--) {
      const coord = rest % dims[i];
      rest = Math.floor(rest / dims[i]);
      if (t.dims[i] !== 1) offset += coord * tStride;
      tStride *= t.dims[i];
    }
    return offset;
  };
  for (let i = 0; i < count; i++) values[i] = op(a.values[index(a, i)], b.values[index(b, i)]);
  return { dims, values };
}

/** Evaluates a constant tensor by name: an initialiser, or Cast/Mul/Add of constants. */
export function constantTensor(graph: Onnx.IGraphProto, name: string): ConstTensor {
  const init = graph.initializer?.find((t) => t.name === name);
  if (init) return { dims: (init.dims ?? []).map(Number), values: tensorValues(init) };
  const node = graph.node?.find((n) => n.output?.includes(name));
  if (!node) throw new Error(`constant folding: nothing makes ${name}`);
  const inputs = (node.input ?? []).map((i) => constantTensor(graph, i));
  switch (node.opType) {
    case 'Cast':
      return inputs[0];
    case 'Mul':
      return broadcast(inputs[0], inputs[1], (x, y) => x * y);
    case 'Add':
      return broadcast(inputs[0], inputs[1], (x, y) => x + y);
    default:
      throw new Error(`constant folding: ${node.opType} (${name}) is not supported`);
  }
}

/** Drops the nodes and initialisers no graph output depends on any more. */
export function pruneGraph(graph: Onnx.IGraphProto): void {
  const needed = new Set((graph.output ?? []).map((o) => o.name!));
  const nodes = graph.node ?? [];
  const kept: Onnx.INodeProto[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const input of node.input ?? []) needed.add(input);
  }
  graph.node = kept.reverse();
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name!));
}
