/**
 * Reads a Hugging Face preprocessor_config.json as the app's own preprocessing (ModelSpec
 * input), so a fetched model is fed the way its authors feed it, whatever the registry guessed.
 */
import type { ModelSpec } from './spec.ts';

type Input = ModelSpec['input'];
type Triple = [number, number, number];

const triple = (value: unknown): Triple | null =>
  Array.isArray(value) &&
  value.length === 3 &&
  value.every((v) => typeof v === 'number' && Number.isFinite(v))
    ? (value as Triple)
    : null;

const side = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;

/**
 * The input a preprocessor config describes, on top of `fallback` (name, layout, channels); null
 * with a reason when the config asks for something the app's preprocessing cannot do.
 */
export function inputFromPreprocessor(
  json: unknown,
  fallback: Input,
): { input: Input; problem: null } | { input: null; problem: string } {
  if (typeof json !== 'object' || json === null)
    return { input: null, problem: 'not a JSON object' };
  const c = json as Record<string, unknown>;
  const rescale = c.do_rescale !== false ? Number(c.rescale_factor ?? 1 / 255) : 1;
  if (Math.abs(rescale * 255 - 1) > 1e-6) {
    return { input: null, problem: `rescale_factor ${String(c.rescale_factor)} is not 1/255` };
  }
  // Older configs give a bare number: the short side (size) and the square (crop_size).
  const size = (typeof c.size === 'number' ? { shortest_edge: c.size } : (c.size ?? {})) as Record<
    string,
    unknown
  >;
  const crop = (
    typeof c.crop_size === 'number'
      ? { height: c.crop_size, width: c.crop_size }
      : (c.crop_size ?? {})
  ) as Record<string, unknown>;
  let resize: Input['resize'];
  let edge: number | null;
  if (c.do_center_crop === true) {
    // Short side to `size`, then a centre crop of crop_size: the app crops the centre square
    // of the whole short side, the same framing when size equals the crop.
    resize = 'center-crop';
    edge = side(crop.height) === side(crop.width) ? side(crop.height) : null;
  } else if (side(size.height) !== null && size.height === size.width) {
    resize = 'squash';
    edge = side(size.height);
  } else {
    edge = side(size.shortest_edge);
    resize = 'center-crop';
  }
  if (edge === null) return { input: null, problem: 'no square input size' };
  const normalize = c.do_normalize !== false && c.image_mean !== undefined;
  const mean = normalize ? triple(c.image_mean) : ([0, 0, 0] as Triple);
  const std = normalize ? triple(c.image_std) : ([1, 1, 1] as Triple);
  if (!mean || !std || std.some((s) => s === 0)) {
    return { input: null, problem: 'image_mean / image_std are not three numbers' };
  }
  // MobileViT-style processors feed BGR when they flip the channel order.
  const channels = c.do_flip_channel_order === true ? 'BGR' : 'RGB';
  return { input: { ...fallback, size: edge, resize, channels, mean, std }, problem: null };
}

/** Fields where two inputs differ, for a log line ("size 256 → 224"). */
export function inputDifferences(a: Input, b: Input): string[] {
  const out: string[] = [];
  for (const key of ['size', 'resize', 'channels', 'mean', 'std'] as const) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
      out.push(`${key} ${JSON.stringify(a[key])} → ${JSON.stringify(b[key])}`);
    }
  }
  return out;
}
