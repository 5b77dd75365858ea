/**
 * Regional GeM: one backbone run pooled over corner windows of a layer's map, so a catalog
 * photo's crops can be approximated without embedding each crop (a shopper's tight crop sits
 * anywhere in the frame). A validation extractor: rows are [GeM of window 1 ‖ window 2 ‖ ...].
 */
import { createHash } from 'node:crypto';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { gemRaisedLayer, mirroredInput, mirrorSlice } from './gem-backbone.ts';
import { attr } from './onnx-graph.ts';

export type Corner = 'tl' | 'tr' | 'bl' | 'br';
export const CORNERS: readonly Corner[] = ['tl', 'tr', 'bl', 'br'];

/** A square window of `size` map cells in a corner of a `map` x `map` feature map. */
export interface MapWindow {
  corner: Corner;
  size: number;
}

/** The 4 corner windows of each size, size-major: the extractor's row order. */
export const cornerWindows = (sizes: readonly number[]): MapWindow[] =>
  sizes.flatMap((size) => CORNERS.map((corner) => ({ corner, size })));

/** A window's [y, x] start on a map of side `map`. */
export function windowStart({ corner, size }: MapWindow, map: number): [number, number] {
  const far = map - size;
  return [corner[0] === 'b' ? far : 0, corner[1] === 'r' ? far : 0];
}

/** The same window of the photo in its mirror image's coordinates (left and right swap). */
export const mirroredCorner = (corner: Corner): Corner =>
  `${corner[0]}${corner[1] === 'l' ? 'r' : 'l'}` as Corner;

/** ONNX bytes and spec of the GeM (power p) of `layer` over each window (windows x C values). */
export function regionalGemBackbone(
  layer: string,
  p: number,
  windows: readonly MapWindow[],
  { mirror = false, map = 14 } = {},
): { onnx: Uint8Array; spec: ModelSpec } {
  const { base, graph, layerDims, raised, root } = gemRaisedLayer(layer, p);
  const axes = graph.initializer('window_axes', [2], BigInt64Array.of(2n, 3n));
  const pooled = windows.map((w) => {
    const [y, x] = windowStart(w, map);
    const name = `gem_${w.corner}_${w.size}`;
    const starts = graph.initializer(`${name}_starts`, [2], BigInt64Array.of(BigInt(y), BigInt(x)));
    const ends = graph.initializer(
      `${name}_ends`,
      [2],
      BigInt64Array.of(BigInt(y + w.size), BigInt(x + w.size)),
    );
    const part = graph.node('Slice', [raised, starts, ends, axes], `${name}_window`);
    const mean = graph.node('GlobalAveragePool', [part], `${name}_mean`);
    const gem = graph.node('Pow', [mean, root], `${name}_root`);
    return graph.node('Flatten', [gem], name, { axis: attr.int(1) });
  });
  const output = graph.node('Concat', pooled, 'regional_gem', { axis: attr.int(1) });
  const dim = windows.length * layerDims[0];
  graph.output(output, 'float32', ['batch', dim]);
  const slice = mirror ? mirrorSlice(graph) : [];
  let onnx = graph.encode({ producer: 'lookalike scripts/lib/regional-gem' });
  if (mirror) onnx = mirroredInput(onnx, slice);
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  const tag = windows.map((w) => `${w.corner}${w.size}`).join('+');
  const spec: ModelSpec = {
    ...base,
    id: `regional-gem-${layer}-p${p}-${tag}${mirror ? '-mirror' : ''}`,
    name: `MobileNetV2 ${layer}: GeM (p ${p}) over ${windows.length} windows${mirror ? ', of the mirror image' : ''}`,
    sha256,
    bytes: onnx.byteLength,
    // normalized: the rows are one part per window, each normalised by the caller.
    output: { name: 'regional_gem', dim, normalized: true },
  };
  return { onnx, spec };
}

/**
 * Unit rows (count x C) of window `w` of the photo, averaged with the same window of its mirror
 * image (read at the mirrored corner), from the two extractors' rows (count x windows x C).
 */
export function windowRows(
  plain: Float32Array,
  mirrored: Float32Array | null,
  windows: readonly MapWindow[],
  w: number,
  channels: number,
): Float32Array {
  const width = windows.length * channels;
  const count = plain.length / width;
  const twin = mirrored
    ? windows.findIndex(
        (o) => o.size === windows[w].size && o.corner === mirroredCorner(windows[w].corner),
      )
    : -1;
  const out = new Float32Array(count * channels);
  for (let r = 0; r < count; r++) {
    const row = out.subarray(r * channels, (r + 1) * channels);
    for (let j = 0; j < channels; j++) {
      const a = plain[r * width + w * channels + j];
      row[j] = mirrored ? (a + mirrored[r * width + twin * channels + j]) / 2 : a;
    }
    const norm = Math.hypot(...row) || 1;
    for (let j = 0; j < channels; j++) row[j] /= norm;
  }
  return out;
}
