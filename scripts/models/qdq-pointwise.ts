/**
 * Int8 pointwise convolutions by a QDQ pass: each 1x1 Conv (group 1) reads its input through
 * QuantizeLinear/DequantizeLinear (uint8, per-tensor, calibrated range), its weights as int8
 * (symmetric, per output channel) and its bias as int32, and its output (after its ReLU6 when it
 * has one) goes through a calibrated uint8 Q/DQ. onnxruntime fuses each such group into one
 * QLinearConv; depthwise and the first 3x3 conv stay float, where WASM's int8 kernels are slower
 * than its float ones. A ReLU6 after a conv is dropped: its output's uint8 range (zero point 0,
 * top at most 6) clips the same. The DequantizeLinear a depthwise conv reads is per channel (all
 * channels alike): onnxruntime's WeightBiasQuantization takes a Conv reading a per-tensor DQ as
 * one to quantise, weights per tensor, and runs it as a slow and lossy QLinearConv.
 */
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { constantTensor } from './onnx-tensors.ts';

const { onnx } = onnxProto;
const DataType = onnx.TensorProto.DataType;

/** One pointwise Conv and the tensors its quantisation needs calibrated. */
export interface PointwiseConv {
  conv: Onnx.INodeProto;
  input: string;
  /**
   * The tensor whose calibrated range the conv's output Q takes: its ReLU6's output when one
   * follows (a uint8 range from 0 to at most 6 clips as the ReLU6 does), else its own output.
   */
  outputRange: string;
  /** The ReLU6 (Clip) after the conv, if any: the output Q takes its place. */
  relu6?: Onnx.INodeProto;
}

export interface Range {
  min: number;
  max: number;
}

function attrInts(node: Onnx.INodeProto, name: string): number[] | undefined {
  return node.attribute?.find((a) => a.name === name)?.ints?.map(Number);
}

function attrInt(node: Onnx.INodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? Number(a.i) : fallback;
}

/** The graph's 1x1, group-1 convolutions (with `everyConv`, all of them), in graph order. */
export function findPointwiseConvs(graph: Onnx.IGraphProto, everyConv = false): PointwiseConv[] {
  const nodes = graph.node ?? [];
  const consumers = (t: string) => nodes.filter((n) => n.input?.includes(t));
  return nodes
    .filter((n) => n.opType === 'Conv')
    .filter((n) => everyConv || (attrInt(n, 'group', 1) === 1 && attrInts(n, 'kernel_shape')?.join() === '1,1'))
    .map((conv) => {
      const out = conv.output![0];
      const next = consumers(out);
      const relu6 = next.length === 1 && next[0].opType === 'Clip' ? next[0] : null;
      return relu6
        ? { conv, input: conv.input![0], outputRange: relu6.output![0], relu6 }
        : { conv, input: conv.input![0], outputRange: out };
    });
}

/** Every tensor whose range the pass needs, once each. */
export function calibrationTensors(convs: PointwiseConv[]): string[] {
  return [...new Set(convs.flatMap((c) => [c.input, c.outputRange]))];
}

/** uint8 scale and zero point covering `range` (widened to hold 0, as ONNX requires). */
export function activationParams({ min, max }: Range): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-lo / scale)));
  return { scale: Math.fround(scale), zeroPoint };
}

/** Symmetric int8 codes per output channel (dim 0) of a float kernel. */
export function quantiseKernel(values: Float64Array, outChannels: number, unsigned = false) {
  const per = values.length / outChannels;
  const codes = new Int8Array(values.length);
  const scales = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    let peak = 0;
    for (let i = o * per; i < (o + 1) * per; i++) peak = Math.max(peak, Math.abs(values[i]));
    scales[o] = peak > 0 ? peak / 127 : 1;
    for (let i = o * per; i < (o + 1) * per; i++) {
      codes[i] = Math.max(-127, Math.min(127, Math.round(values[i] / scales[o])));
    }
  }
  // uint8 codes with zero point 128: WASM's QLinearConv has a fast u8 x u8 kernel only.
  return unsigned ? { codes: Uint8Array.from(codes, (c) => c + 128), scales } : { codes, scales };
}

export interface QuantiseOptions {
  /** Convs (by output name) left float. */
  keepFloat?: ReadonlySet<string>;
  /** Weight codes: int8 (zero point 0) or uint8 (zero point 128). */
  weights?: 'int8' | 'uint8';
  /** Quantise the depthwise and 3x3 convs too. */
  everyConv?: boolean;
}

function tensor(name: string, dims: number[], data: Float32Array | Uint8Array | Int8Array | Int32Array) {
  const type =
    data instanceof Float32Array
      ? DataType.FLOAT
      : data instanceof Uint8Array
        ? DataType.UINT8
        : data instanceof Int8Array
          ? DataType.INT8
          : DataType.INT32;
  const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return onnx.TensorProto.create({ name, dims, dataType: type, rawData });
}

function node(op: string, inputs: string[], output: string, axis?: number): Onnx.INodeProto {
  const attribute = axis === undefined ? [] : [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: axis }];
  return onnx.NodeProto.create({ opType: op, name: output, input: inputs, output: [output], attribute });
}

/**
 * The DequantizeLinear nodes of a conv's 8-bit weights (per output channel) and int32 bias
 * (scale: input scale x weight scale), named `<conv output>_Wdq` and `_Bdq`; their
 * initialisers go to `inits`.
 */
function quantiseWeights(
  graph: Onnx.IGraphProto,
  conv: Onnx.INodeProto,
  inputScale: number,
  unsigned: boolean,
  inits: Onnx.ITensorProto[],
): Onnx.INodeProto[] {
  const [, wName, bName] = conv.input!;
  const base = conv.output![0];
  const w = constantTensor(graph, wName);
  const outChannels = w.dims[0];
  const { codes, scales } = quantiseKernel(w.values, outChannels, unsigned);
  const zero = unsigned ? new Uint8Array(outChannels).fill(128) : new Int8Array(outChannels);
  inits.push(tensor(`${base}_Wq`, w.dims, codes));
  inits.push(tensor(`${base}_Wscale`, [outChannels], scales));
  inits.push(tensor(`${base}_Wzero`, [outChannels], zero));
  const nodes = [node('DequantizeLinear', [`${base}_Wq`, `${base}_Wscale`, `${base}_Wzero`], `${base}_Wdq`, 0)];
  if (bName) {
    const bias = constantTensor(graph, bName).values;
    const biasScales = scales.map((s) => Math.fround(s * inputScale));
    const q = Int32Array.from(bias, (b, o) => Math.round(b / biasScales[o]));
    inits.push(tensor(`${base}_Bq`, [outChannels], q));
    inits.push(tensor(`${base}_Bscale`, [outChannels], biasScales));
    inits.push(tensor(`${base}_Bzero`, [outChannels], new Int32Array(outChannels)));
    nodes.push(node('DequantizeLinear', [`${base}_Bq`, `${base}_Bscale`, `${base}_Bzero`], `${base}_Bdq`, 0));
  }
  return nodes;
}

/**
 * Rewrites `graph` in place: every pointwise conv quantised as the file header says, with
 * `ranges` (by tensor name, from calibrationTensors) for the activations. The float weights
 * the convs no longer read are left for pruneGraph. Convs named in `keepFloat` (by output) stay
 * float.
 */
export function quantisePointwise(
  graph: Onnx.IGraphProto,
  ranges: ReadonlyMap<string, Range>,
  options: QuantiseOptions = {},
): void {
  const keepFloat = options.keepFloat ?? new Set();
  const unsigned = options.weights === 'uint8';
  const convs = findPointwiseConvs(graph, options.everyConv).filter((c) => !keepFloat.has(c.conv.output![0]));
  // Each quantised tensor (conv inputs and outputs), with the tensor whose range it takes.
  const rangeOf = new Map<string, string>();
  for (const c of convs) {
    rangeOf.set(c.input, c.input);
    rangeOf.set(c.conv.output![0], c.outputRange);
  }
  const params = new Map<string, { scale: number; zeroPoint: number }>();
  for (const [t, rangeTensor] of rangeOf) {
    const range = ranges.get(rangeTensor);
    if (!range) throw new Error(`QDQ: no calibrated range for ${rangeTensor}`);
    params.set(t, activationParams(range));
  }
  const inits: Onnx.ITensorProto[] = [];
  const qdq = new Map<string, Onnx.INodeProto[]>();
  const dqOf = (t: string) => `${t}_dq`;
  // Channels of each conv output read by a depthwise conv (through the dropped ReLU6).
  const perChannel = new Map<string, number>();
  const bypass = new Map<string, string>();
  for (const c of convs) {
    if (!c.relu6 || options.everyConv) continue;
    const out = c.conv.output![0];
    perChannel.set(out, constantTensor(graph, c.conv.input![1]).dims[0]);
    bypass.set(c.relu6.output![0], dqOf(out));
  }
  for (const [t, p] of params) {
    inits.push(tensor(`${t}_qscale`, [], Float32Array.of(p.scale)));
    inits.push(tensor(`${t}_qzero`, [], Uint8Array.of(p.zeroPoint)));
    const channels = perChannel.get(t);
    let dq = node('DequantizeLinear', [`${t}_q`, `${t}_qscale`, `${t}_qzero`], dqOf(t));
    if (channels) {
      inits.push(tensor(`${t}_dqscale`, [channels], new Float32Array(channels).fill(p.scale)));
      inits.push(tensor(`${t}_dqzero`, [channels], new Uint8Array(channels).fill(p.zeroPoint)));
      dq = node('DequantizeLinear', [`${t}_q`, `${t}_dqscale`, `${t}_dqzero`], dqOf(t), 1);
    }
    qdq.set(t, [node('QuantizeLinear', [t, `${t}_qscale`, `${t}_qzero`], `${t}_q`), dq]);
  }
  // Conv outputs are read only through their Q/DQ (QDQ fusion needs Q as the only reader).
  const everyReader = new Set(convs.map((c) => c.conv.output![0]));
  const weightNodes = new Map<Onnx.INodeProto, Onnx.INodeProto[]>();
  for (const { conv, input } of convs) {
    weightNodes.set(conv, quantiseWeights(graph, conv, params.get(input)!.scale, unsigned, inits));
    const base = conv.output![0];
    conv.input = [dqOf(input), `${base}_Wdq`, ...(conv.input![2] ? [`${base}_Bdq`] : [])];
  }
  const rewired: Onnx.INodeProto[] = [];
  const emitQdq = (t: string) => {
    const pair = qdq.get(t);
    if (pair) rewired.push(...pair);
  };
  for (const name of (graph.input ?? []).map((i) => i.name!)) emitQdq(name);
  for (const n of graph.node ?? []) {
    n.input = (n.input ?? []).map((i) => (everyReader.has(i) ? dqOf(i) : (bypass.get(i) ?? i)));
    rewired.push(...(weightNodes.get(n) ?? []), n);
    for (const out of n.output ?? []) emitQdq(out);
  }
  graph.node = rewired;
  graph.initializer = [...(graph.initializer ?? []), ...inits];
}
