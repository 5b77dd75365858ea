/**
 * The instance part a fashion model declares (ModelSpec `output.instance`): with a blended
 * whitening (scripts/models/whitening-term.ts), the whitened dims appended after the embedding.
 * Kept out of the exporter's hashed sources: declaring it changes no ONNX byte.
 */
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { decodeWhiteningFile } from '../lib/whitening-file.ts';

/** Where the whitened CNN part sits in the output, or null when nothing is appended. */
export function whitenedInstancePart(whiteningBytes: Uint8Array | null) {
  if (!whiteningBytes) return null;
  const { whitening, meta } = decodeWhiteningFile(whiteningBytes);
  // Unblended, the whitening replaces the embedding: no separate part to pick by.
  return meta.blend ? { offset: whitening.dim + meta.tail, dims: whitening.out } : null;
}

/** `spec` with its output's instance part set as the whitening says (or removed). */
export function withInstancePart(spec: ModelSpec, whiteningBytes: Uint8Array | null): ModelSpec {
  const output = { ...spec.output };
  delete output.instance;
  const part = whitenedInstancePart(whiteningBytes);
  return { ...spec, output: part ? { ...output, instance: part } : output };
}
