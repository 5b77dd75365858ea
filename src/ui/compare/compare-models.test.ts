import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../engine/engine-types.ts';
import { comparableModels, resolvePair, withModel } from './compare-models.ts';

const model = (id: string, image = true): ModelInfo => ({
  id,
  name: id,
  dim: 8,
  towers: { image, text: !image },
});

const models = [model('mobilenet-v2'), model('words-only', false), model('clip'), model('dino')];

describe('comparableModels', () => {
  it('keeps the models that embed photos, in catalog order', () => {
    expect(comparableModels(models).map((m) => m.id)).toEqual(['mobilenet-v2', 'clip', 'dino']);
  });
});

describe('resolvePair', () => {
  it('defaults to the first two photo models', () => {
    expect(resolvePair(null, models)).toEqual(['mobilenet-v2', 'clip']);
  });

  it('keeps a chosen pair while both models are in the catalog', () => {
    expect(resolvePair(['dino', 'mobilenet-v2'], models)).toEqual(['dino', 'mobilenet-v2']);
  });

  it('falls back to the default when a chosen model is gone, text-only or repeated', () => {
    expect(resolvePair(['gone', 'clip'], models)).toEqual(['mobilenet-v2', 'clip']);
    expect(resolvePair(['words-only', 'clip'], models)).toEqual(['mobilenet-v2', 'clip']);
    expect(resolvePair(['clip', 'clip'], models)).toEqual(['mobilenet-v2', 'clip']);
  });

  it('is null without two photo models', () => {
    expect(resolvePair(null, [model('mobilenet-v2')])).toBeNull();
    expect(resolvePair(null, [model('mobilenet-v2'), model('words-only', false)])).toBeNull();
    expect(resolvePair(['a', 'b'], [])).toBeNull();
  });
});

describe('withModel', () => {
  it('sets one side', () => {
    expect(withModel(['a', 'b'], 0, 'c')).toEqual(['c', 'b']);
    expect(withModel(['a', 'b'], 1, 'c')).toEqual(['a', 'c']);
  });

  it("swaps the sides when one takes the other's model", () => {
    expect(withModel(['a', 'b'], 0, 'b')).toEqual(['b', 'a']);
    expect(withModel(['a', 'b'], 1, 'a')).toEqual(['b', 'a']);
  });

  it('leaves the pair as is for its own model', () => {
    expect(withModel(['a', 'b'], 0, 'a')).toEqual(['a', 'b']);
    expect(withModel(['a', 'b'], 1, 'b')).toEqual(['a', 'b']);
  });
});
