/**
 * Keeps nsfwjs's uint8 weight codes exact through batch-norm folding: a tensor coded as
 * min + scale * code, times a per-output-channel factor, is again uint8 codes with a
 * per-channel scale and offset (no re-quantisation, so no accuracy loss).
 */

/** value = min + scale * code, one (min, scale) for the whole tensor (tfjs uint8 quantisation). */
export interface TensorCodes {
  codes: Uint8Array;
  min: number;
  scale: number;
}

/** value = scales[c] * code + offsets[c] for channel c (axis 0); scales are all positive. */
export interface ChannelCodes {
  codes: Uint8Array;
  scales: Float32Array;
  offsets: Float32Array;
}

/** Multiplies channel c of `weights` (layout [channels, ...]) by factors[c], exactly. */
export function scaleChannels(weights: TensorCodes, factors: Float64Array): ChannelCodes {
  const channels = factors.length;
  if (channels === 0 || weights.codes.length % channels !== 0) {
    throw new Error(`scaleChannels: ${weights.codes.length} codes do not split into ${channels}`);
  }
  const perChannel = weights.codes.length / channels;
  const codes = weights.codes.slice();
  const scales = new Float32Array(channels);
  const offsets = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const f = factors[c];
    if (f >= 0) {
      scales[c] = f * weights.scale;
      offsets[c] = f * weights.min;
    } else {
      // Keep scales positive: f * (min + scale * q) = |f| * scale * (255 - q) + f * (min + 255 * scale).
      for (let i = c * perChannel; i < (c + 1) * perChannel; i++) codes[i] = 255 - codes[i];
      scales[c] = -f * weights.scale;
      offsets[c] = f * (weights.min + 255 * weights.scale);
    }
  }
  return { codes, scales, offsets };
}

/** The float values channel codes stand for. */
export function channelValues(weights: ChannelCodes): Float32Array {
  const channels = weights.scales.length;
  const perChannel = weights.codes.length / channels;
  const values = new Float32Array(weights.codes.length);
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / perChannel);
    values[i] = weights.scales[c] * weights.codes[i] + weights.offsets[c];
  }
  return values;
}
