/**
 * Translates an nsfwjs Keras model's layers (MobileNetV2, InceptionV3) into an ONNX graph truncated
 * at the chosen layers: batch norms folded into their convs (weights stay uint8 codes), pooled, and
 * L2-normalised.
 */
import { channelValues, scaleChannels, type TensorCodes } from './folded-weights.ts';
import type { KerasLayer, KerasModel, KerasWeight } from './nsfwjs-keras.ts';
import { attr, OnnxGraph, type Attr } from './onnx-graph.ts';

export interface KerasGraphOptions {
  /** Keras layer names whose global-average-pooled outputs make the embedding. */
  layers: string[];
  /**
   * 'uint8': nsfwjs's weight codes kept exactly, batch norms folded into a per-channel
   * scale and offset (decoded in the graph); 'float32': folded weights stored as floats.
   */
  weights: 'uint8' | 'float32';
  /**
   * 'embedding': one output, each pooled layer L2-normalised, concatenated, L2-normalised again.
   * 'pooled': one raw pooled output per layer (for layer studies).
   */
  outputs: 'embedding' | 'pooled';
  /** Square input side. */
  size: number;
}

export const INPUT_NAME = 'pixels';
export const EMBEDDING_NAME = 'embedding';

/** A Keras tensor in ONNX terms: its name there, channels and spatial size. */
interface Feature {
  name: string;
  channels: number;
  height: number;
  width: number;
  /** Explicit zero padding still to apply (ZeroPadding2D merged into the next conv). */
  pad?: { top: number; bottom: number; left: number; right: number };
}

interface ConvWeights {
  /** OIHW uint8 codes of the Keras kernel, with the tensor's min and scale. */
  kernel: TensorCodes;
  /** Per output channel factor from a folded batch norm (1 when none). */
  factors: Float64Array;
  bias: Float32Array;
  outChannels: number;
  group: number;
  kernelSize: [number, number];
}

const NORM_EPSILON = 1e-12;

function weight(model: KerasModel, name: string): KerasWeight {
  const w = model.weights.get(name);
  if (!w) throw new Error(`${model.architecture}: missing weight ${name}`);
  return w;
}

/** Keras kernels ([kh, kw, in, out] or depthwise [kh, kw, in, mult]) to ONNX OIHW codes. */
function convWeights(model: KerasModel, layer: KerasLayer): ConvWeights {
  const depthwise = layer.className === 'DepthwiseConv2D';
  const k = weight(model, `${layer.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`);
  const [kh, kw, cin, last] = k.shape;
  const outChannels = depthwise ? cin * last : last;
  const perOut = depthwise ? kh * kw : cin * kh * kw;
  const codes = new Uint8Array(outChannels * perOut);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let j = 0; j < last; j++) {
          const code = k.codes[((y * kw + x) * cin + i) * last + j];
          // Depthwise output channel i*mult+j reads input channel i only (one input per group).
          const [o, inner] = depthwise ? [i * last + j, 0] : [j, i];
          codes[o * perOut + (inner * kh + y) * kw + x] = code;
        }
      }
    }
  }
  const bias = layer.config.use_bias
    ? weight(model, `${layer.name}/bias`).values.slice()
    : new Float32Array(outChannels);
  return {
    kernel: { codes, min: k.min, scale: k.scale },
    factors: new Float64Array(outChannels).fill(1),
    bias,
    outChannels,
    group: depthwise ? cin : 1,
    kernelSize: [kh, kw],
  };
}

/** Folds y = gamma * (x - mean) / sqrt(var + eps) + beta into the conv's factors and bias. */
function foldBatchNorm(model: KerasModel, bn: KerasLayer, conv: ConvWeights): void {
  // Keras leaves gamma out with `scale: false` and beta with `center: false` (InceptionV3).
  const ones = new Float32Array(conv.outChannels).fill(1);
  const gamma = bn.config.scale === false ? ones : weight(model, `${bn.name}/gamma`).values;
  const beta = bn.config.center === false ? ones.fill(0) : weight(model, `${bn.name}/beta`).values;
  const mean = weight(model, `${bn.name}/moving_mean`).values;
  const variance = weight(model, `${bn.name}/moving_variance`).values;
  const epsilon = Number(bn.config.epsilon ?? 1e-3);
  for (let o = 0; o < conv.outChannels; o++) {
    const scale = gamma[o] / Math.sqrt(variance[o] + epsilon);
    conv.factors[o] *= scale;
    conv.bias[o] = (conv.bias[o] - mean[o]) * scale + beta[o];
  }
}

/** TensorFlow 'same' padding: the odd pixel goes after (bottom/right). */
function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function pairOf(value: unknown, what: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw new Error(`Keras layer: bad ${what}`);
  return [Number(value[0]), Number(value[1])];
}

export interface KerasGraph {
  graph: OnnxGraph;
  /** Channels of each requested layer, in order. */
  layerDims: number[];
  /** Embedding width (sum of layerDims). */
  dim: number;
}

/** What translating the Keras layers into `graph` carries from one layer to the next. */
interface Translation {
  model: KerasModel;
  options: KerasGraphOptions;
  graph: OnnxGraph;
  /** Keras layers reading each layer's output. */
  consumers: Map<string, KerasLayer[]>;
  features: Map<string, Feature>;
  /** Convs waiting for the batch norm after them, by that batch norm's name. */
  pendingConvs: Map<string, { conv: ConvWeights; source: KerasLayer }>;
  clipMin?: string;
  clipMax?: string;
}

/** Builds the ONNX graph for `options.layers` from the Keras model. */
export function buildKerasGraph(model: KerasModel, options: KerasGraphOptions): KerasGraph {
  const needed = neededLayers(model, options.layers);
  const consumers = new Map<string, KerasLayer[]>();
  for (const layer of model.layers) {
    for (const input of layer.inputs)
      consumers.set(input, [...(consumers.get(input) ?? []), layer]);
  }
  const graph = new OnnxGraph(
    model.architecture === 'MobileNetV2' ? 'mobilenet_v2' : model.architecture,
  );
  const t: Translation = {
    model,
    options,
    graph,
    consumers,
    features: new Map(),
    pendingConvs: new Map(),
    // ReLU6 bounds, only for models with ReLU layers (an unused initialiser draws a warning).
    ...(model.layers.some((l) => l.className === 'ReLU') && {
      clipMin: graph.initializer('relu6_min', [], new Float32Array([0])),
      clipMax: graph.initializer('relu6_max', [], new Float32Array([6])),
    }),
  };
  for (const layer of model.layers) {
    if (needed.has(layer.name)) translateLayer(t, layer);
  }
  const pooled = poolLayers(t);
  const layerDims = pooled.map((p) => p.channels);
  const dim = layerDims.reduce((a, b) => a + b, 0);
  if (options.outputs === 'pooled') {
    for (const p of pooled) graph.output(p.name, 'float32', ['batch', p.channels]);
  } else {
    graph.output(addEmbedding(t, pooled), 'float32', ['batch', dim]);
  }
  return { graph, layerDims, dim };
}

/** The requested layers and every layer they depend on (only these are translated). */
function neededLayers(model: KerasModel, layers: string[]): Set<string> {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  for (const name of layers) {
    if (!byName.has(name)) throw new Error(`${model.architecture} has no layer "${name}"`);
  }
  if (layers.length === 0) throw new Error(`${model.architecture}: choose at least one layer`);
  const needed = new Set<string>();
  const visit = (name: string): void => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const input of byName.get(name)!.inputs) visit(input);
  };
  layers.forEach(visit);
  return needed;
}

function translateLayer(t: Translation, layer: KerasLayer): void {
  const input = t.features.get(layer.inputs[0]);
  switch (layer.className) {
    case 'InputLayer': {
      const { size } = t.options;
      const name = t.graph.input(INPUT_NAME, 'float32', ['batch', 3, size, size]);
      t.features.set(layer.name, { name, channels: 3, height: size, width: size });
      break;
    }
    case 'ZeroPadding2D': {
      const [[top, bottom], [left, right]] = layer.config.padding as [number, number][];
      const onlyConvs = (t.consumers.get(layer.name) ?? []).every((c) =>
        c.className.includes('Conv'),
      );
      if (!onlyConvs || input!.pad)
        throw new Error(`${t.model.architecture}: ${layer.name} cannot be merged`);
      t.features.set(layer.name, { ...input!, pad: { top, bottom, left, right } });
      break;
    }
    case 'Conv2D':
    case 'DepthwiseConv2D':
      translateConv(t, layer, input!);
      break;
    case 'BatchNormalization': {
      const pending = t.pendingConvs.get(layer.name);
      if (!pending)
        throw new Error(`${t.model.architecture}: ${layer.name} does not follow a conv`);
      foldBatchNorm(t.model, layer, pending.conv);
      t.features.set(layer.name, emitConv(t, pending.source, pending.conv, layer.name));
      break;
    }
    case 'ReLU':
      t.features.set(layer.name, { ...input!, name: emitRelu(t, layer, input!) });
      break;
    case 'Activation':
      if (layer.config.activation !== 'relu') {
        throw new Error(
          `${t.model.architecture}: ${layer.name} activation ${String(layer.config.activation)}`,
        );
      }
      t.features.set(layer.name, {
        ...input!,
        name: t.graph.node('Relu', [input!.name], layer.name),
      });
      break;
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      t.features.set(layer.name, emitPool(t, layer, input!));
      break;
    case 'Concatenate': {
      const parts = layer.inputs.map((n) => t.features.get(n)!);
      if (layer.config.axis !== 3 && layer.config.axis !== -1) {
        throw new Error(
          `${t.model.architecture}: ${layer.name} concatenates axis ${String(layer.config.axis)}`,
        );
      }
      const name = t.graph.node(
        'Concat',
        parts.map((p) => p.name),
        layer.name,
        { axis: attr.int(1) },
      );
      const channels = parts.reduce((n, p) => n + p.channels, 0);
      t.features.set(layer.name, { ...parts[0], name, channels });
      break;
    }
    case 'Add': {
      const [a, b] = layer.inputs.map((n) => t.features.get(n)!);
      const name = t.graph.node('Add', [a.name, b.name], layer.name);
      t.features.set(layer.name, { ...a, name });
      break;
    }
    default:
      throw new Error(
        `${t.model.architecture}: layer ${layer.name} (${layer.className}) is not supported`,
      );
  }
}

/** A conv followed by its batch norm waits for it (to be folded); any other is emitted now. */
function translateConv(t: Translation, layer: KerasLayer, input: Feature): void {
  if (layer.config.activation !== 'linear') {
    throw new Error(
      `${t.model.architecture}: ${layer.name} activation ${String(layer.config.activation)}`,
    );
  }
  const conv = convWeights(t.model, layer);
  const next = t.consumers.get(layer.name) ?? [];
  if (next.length === 1 && next[0].className === 'BatchNormalization') {
    // Emitted by the batch norm, folded; asking for the raw conv output is not supported.
    if (t.options.layers.includes(layer.name)) {
      throw new Error(`${t.model.architecture}: ${layer.name} is folded, use ${next[0].name}`);
    }
    t.pendingConvs.set(next[0].name, { conv, source: layer });
    t.features.set(layer.name, input);
  } else {
    t.features.set(layer.name, emitConv(t, layer, conv, layer.name));
  }
}

function emitConv(t: Translation, layer: KerasLayer, conv: ConvWeights, outName: string): Feature {
  const { graph } = t;
  const input = t.features.get(layer.inputs[0])!;
  const [kh, kw] = conv.kernelSize;
  const { attrs, height, width } = slidingWindow(t, layer, input, [kh, kw]);
  const dims = [conv.outChannels, conv.kernel.codes.length / conv.outChannels / (kh * kw), kh, kw];
  const folded = scaleChannels(conv.kernel, conv.factors);
  let kernel: string;
  if (t.options.weights === 'uint8') {
    const { codes, scales, offsets } = folded;
    kernel = graph.channelCodedWeights(`${outName}_W`, dims, codes, scales, offsets);
  } else {
    kernel = graph.initializer(`${outName}_W`, dims, channelValues(folded));
  }
  const bias = graph.initializer(`${outName}_B`, [conv.outChannels], conv.bias);
  const name = graph.node('Conv', [input.name, kernel, bias], outName, {
    group: attr.int(conv.group),
    ...attrs,
  });
  return { name, channels: conv.outChannels, height, width };
}

/**
 * A conv's or pool's window over `input`: its ONNX kernel, stride and pad attributes, and the
 * output's size. TensorFlow's 'same' puts the odd pixel after; a merged ZeroPadding2D adds its own.
 */
function slidingWindow(
  t: Translation,
  layer: KerasLayer,
  input: Feature,
  [kh, kw]: [number, number],
): { attrs: Record<string, Attr>; height: number; width: number } {
  const stride = pairOf(layer.config.strides, `${layer.name} strides`);
  let [top, bottom, left, right] = [0, 0, 0, 0];
  if (input.pad) ({ top, bottom, left, right } = input.pad);
  if (layer.config.padding === 'same') {
    [top, bottom] = samePadding(input.height, kh, stride[0]);
    [left, right] = samePadding(input.width, kw, stride[1]);
  } else if (layer.config.padding !== 'valid') {
    throw new Error(
      `${t.model.architecture}: ${layer.name} padding ${String(layer.config.padding)}`,
    );
  }
  return {
    attrs: {
      kernel_shape: attr.ints([kh, kw]),
      strides: attr.ints(stride),
      pads: attr.ints([top, left, bottom, right]),
    },
    height: Math.floor((input.height + top + bottom - kh) / stride[0]) + 1,
    width: Math.floor((input.width + left + right - kw) / stride[1]) + 1,
  };
}

/** Max or average pooling; Keras's 'same' average leaves the padding out of the count, as ONNX's count_include_pad 0 does. */
function emitPool(t: Translation, layer: KerasLayer, input: Feature): Feature {
  if (input.pad) throw new Error(`${t.model.architecture}: ${layer.name} reads explicit padding`);
  const size = pairOf(layer.config.pool_size, `${layer.name} pool_size`);
  const { attrs, height, width } = slidingWindow(t, layer, input, size);
  const max = layer.className === 'MaxPooling2D';
  const name = t.graph.node(max ? 'MaxPool' : 'AveragePool', [input.name], layer.name, {
    ...attrs,
    ...(max ? {} : { count_include_pad: attr.int(0) }),
  });
  return { name, channels: input.channels, height, width };
}

/** ReLU, or ReLU6 (Clip) when the layer has a max value. */
function emitRelu(t: Translation, layer: KerasLayer, input: Feature): string {
  const max = layer.config.max_value;
  if (Number(layer.config.negative_slope ?? 0) !== 0 || Number(layer.config.threshold ?? 0)) {
    throw new Error(`${t.model.architecture}: ${layer.name} is not a plain ReLU`);
  }
  if (max == null) return t.graph.node('Relu', [input.name], layer.name);
  const maxName =
    max === 6
      ? t.clipMax!
      : t.graph.initializer(`${layer.name}_max`, [], new Float32Array([Number(max)]));
  return t.graph.node('Clip', [input.name, t.clipMin!, maxName], layer.name);
}

/** Global average pool of each requested layer, flattened to [batch, channels]. */
function poolLayers(t: Translation): { name: string; channels: number }[] {
  return t.options.layers.map((layerName) => {
    const feature = t.features.get(layerName)!;
    if (feature.pad) throw new Error(`${t.model.architecture}: pick a layer after ${layerName}`);
    const pool = t.graph.node('GlobalAveragePool', [feature.name], `${layerName}_pool`);
    const flat = t.graph.node('Flatten', [pool], `${layerName}_pooled`, { axis: attr.int(1) });
    return { name: flat, channels: feature.channels };
  });
}

/** Each pooled layer L2-normalised, concatenated, L2-normalised again; returns the output name. */
function addEmbedding(t: Translation, pooled: { name: string; channels: number }[]): string {
  const { graph } = t;
  const epsilon = graph.initializer('norm_epsilon', [], new Float32Array([NORM_EPSILON]));
  const l2Normalize = (x: string, base: string): string => {
    const norm = graph.node('ReduceL2', [x], `${base}_norm`, {
      axes: attr.ints([1]),
      keepdims: attr.int(1),
    });
    const safe = graph.node('Max', [norm, epsilon], `${base}_norm_safe`);
    return graph.node('Div', [x, safe], base);
  };
  if (pooled.length === 1) return l2Normalize(pooled[0].name, EMBEDDING_NAME);
  const parts = pooled.map((p, i) => l2Normalize(p.name, `${t.options.layers[i]}_unit`));
  const joined = graph.node('Concat', parts, 'concat', { axis: attr.int(1) });
  return l2Normalize(joined, EMBEDDING_NAME);
}
