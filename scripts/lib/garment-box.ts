/**
 * A garment-first crop, proposed from the backbone's own activations (SCDA, Wei et al.,
 * "Selective Convolutional Descriptor Aggregation"; CroW's channel-summed spatial weight): the
 * cells of a layer's map whose summed activation is above the mean, their largest connected
 * region, its box, grown and made square around the garment. A validation tool
 * (scripts/validate-garment-crop.ts): measured, not adopted (docs/training.md).
 */
import { createHash } from 'node:crypto';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import type { RgbaImage } from '../../src/shared/preprocess/rgba-image.ts';
import { buildKerasGraph } from './keras-graph.ts';
import { convertMobilenet, DEFAULT_MOBILENET_OPTIONS } from './mobilenet-model.ts';
import { loadNsfwjsMobilenet } from './nsfwjs-keras.ts';
import { attr } from './onnx-graph.ts';

/** A box in fractions of the photo: x, y, width, height. */
export type Box = [number, number, number, number];

/**
 * ONNX bytes and spec of the channel sum of `layer`'s ReLU'd map (side x side values per photo),
 * of the whole photo squashed to the input size, so the map covers the whole frame.
 */
export function saliencyExtractor(
  layer: string,
  side: number,
): { onnx: Uint8Array; spec: ModelSpec } {
  const base = convertMobilenet(DEFAULT_MOBILENET_OPTIONS).spec;
  const { graph } = buildKerasGraph(loadNsfwjsMobilenet(), {
    layers: [layer],
    weights: DEFAULT_MOBILENET_OPTIONS.weights,
    outputs: 'pooled',
    size: base.input.size,
  });
  const axes = graph.initializer('saliency_axes', [1], BigInt64Array.of(1n));
  const positive = graph.node('Relu', [layer], 'saliency_relu');
  const sum = graph.node('ReduceSum', [positive, axes], 'saliency_sum', { keepdims: attr.int(1) });
  const flat = graph.node('Flatten', [sum], 'saliency', { axis: attr.int(1) });
  graph.output(flat, 'float32', ['batch', side * side]);
  const onnx = graph.encode({ producer: 'lookalike scripts/lib/garment-box' });
  const spec: ModelSpec = {
    ...base,
    id: `saliency-${layer}`,
    name: `MobileNetV2 ${layer}: channel-summed activation map`,
    input: { ...base.input, resize: 'squash' },
    sha256: createHash('sha256').update(onnx).digest('hex'),
    bytes: onnx.byteLength,
    // normalized: raw sums; the box only compares cells with their mean.
    output: { name: 'saliency', dim: side * side, normalized: true },
  };
  return { onnx, spec };
}

/** The box of the largest 4-connected region of cells above the map's mean (the whole map if none). */
export function garmentBox(map: Float32Array, side: number): Box {
  const mean = map.reduce((s, v) => s + v, 0) / map.length;
  const seen = new Uint8Array(map.length);
  let best: number[] = [];
  for (let start = 0; start < map.length; start++) {
    if (map[start] <= mean || seen[start]) continue;
    const region = [start];
    seen[start] = 1;
    for (let at = 0; at < region.length; at++) {
      const y = Math.floor(region[at] / side);
      const x = region[at] % side;
      for (const [ny, nx] of [
        [y + 1, x],
        [y - 1, x],
        [y, x + 1],
        [y, x - 1],
      ]) {
        const n = ny * side + nx;
        if (ny < 0 || ny >= side || nx < 0 || nx >= side || seen[n] || map[n] <= mean) continue;
        seen[n] = 1;
        region.push(n);
      }
    }
    if (region.length > best.length) best = region;
  }
  if (best.length === 0) return [0, 0, 1, 1];
  const ys = best.map((c) => Math.floor(c / side));
  const xs = best.map((c) => c % side);
  const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
  return [
    x0 / side,
    y0 / side,
    (Math.max(...xs) + 1 - x0) / side,
    (Math.max(...ys) + 1 - y0) / side,
  ];
}

/**
 * The square of the photo around `box`, its side the box's longer side grown by `margin` (at most
 * the photo's shorter side), moved inside the photo: the model's centre crop then keeps all of it.
 */
export function squareAround(image: RgbaImage, [fx, fy, fw, fh]: Box, margin: number): RgbaImage {
  const { width, height } = image;
  const side = Math.round(
    Math.min(width, height, Math.max(fw * width, fh * height) * (1 + margin)),
  );
  const clamp = (v: number, max: number) => Math.round(Math.min(max, Math.max(0, v)));
  const x = clamp((fx + fw / 2) * width - side / 2, width - side);
  const y = clamp((fy + fh / 2) * height - side / 2, height - side);
  const data = new Uint8Array(side * side * 4);
  for (let row = 0; row < side; row++) {
    const from = ((y + row) * width + x) * 4;
    data.set(image.data.subarray(from, from + side * 4), row * side * 4);
  }
  return { data, width: side, height: side };
}
