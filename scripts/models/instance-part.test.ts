import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { encodeWhiteningFile } from '../lib/whitening-file.ts';
import { whitenedInstancePart, withInstancePart } from './instance-part.ts';

const whiteningBytes = (blend: number, tail: number) =>
  encodeWhiteningFile({
    whitening: { dim: 6, out: 3, mean: new Float32Array(6), projection: new Float32Array(18) },
    meta: { tail, tailWeight: 0.3, blend, learnedOn: 'x', learning: {} },
  });

describe('the instance part a fashion model declares', () => {
  it('is the whitened dims appended after the embedding (and its colour tail)', () => {
    expect(whitenedInstancePart(whiteningBytes(0.35, 0))).toEqual({ offset: 6, dims: 3 });
    expect(whitenedInstancePart(whiteningBytes(0.35, 2))).toEqual({ offset: 8, dims: 3 });
  });

  it('is absent without a whitening, or when the whitening replaces the embedding', () => {
    expect(whitenedInstancePart(null)).toBeNull();
    expect(whitenedInstancePart(whiteningBytes(0, 0))).toBeNull();
    const spec = {
      output: { name: 'e', dim: 9, normalized: true, instance: { offset: 6, dims: 3 } },
    } as ModelSpec;
    expect(withInstancePart(spec, null).output).toEqual({ name: 'e', dim: 9, normalized: true });
    expect(withInstancePart(spec, whiteningBytes(0.35, 0)).output).toEqual(spec.output);
  });
});
