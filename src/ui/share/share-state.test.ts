import { describe, expect, it } from 'vitest';
import { decodeShareState, encodeShareState, type ShareState } from './share-state.ts';

describe('share state in the URL hash', () => {
  it('round-trips a "more like this" search with filters', () => {
    const state: ShareState = {
      model: 'mobilenet-v2',
      k: 12,
      filters: { label: ['T-Shirt', 'Not sure'], kids: ['False'] },
      query: { kind: 'similar', id: 'ea7b6656-3f84-4eb3-9099-23e623fc1018' },
    };
    const hash = encodeShareState(state);
    const back = decodeShareState('#' + hash);
    expect(back.model).toBe('mobilenet-v2');
    expect(back.k).toBe(12);
    expect(back.query).toEqual(state.query);
    expect(back.filters.label.sort()).toEqual(['Not sure', 'T-Shirt']);
    expect(back.filters.kids).toEqual(['False']);
  });

  it('gives equal links for equal states whatever the order of filters', () => {
    const a = encodeShareState({
      model: null,
      k: 5,
      filters: { colour: ['red', 'blue'], label: ['Dress'] },
      query: { kind: 'sample', id: 'x' },
    });
    const b = encodeShareState({
      model: null,
      k: 5,
      filters: { label: ['Dress'], colour: ['blue', 'red'] },
      query: { kind: 'sample', id: 'x' },
    });
    expect(a).toBe(b);
  });

  it('ignores a Top-K outside 1..100, non-integers and unknown keys', () => {
    expect(decodeShareState('k=0').k).toBeNull();
    expect(decodeShareState('k=101').k).toBeNull();
    expect(decodeShareState('k=2.5').k).toBeNull();
    expect(decodeShareState('k=abc&utm=1').k).toBeNull();
    expect(decodeShareState('k=100').k).toBe(100);
    expect(decodeShareState('').query).toBeNull();
  });

  it('carries a text query, trimmed, and drops an empty one', () => {
    const hash = encodeShareState({
      model: null,
      k: null,
      filters: {},
      query: { kind: 'text', text: 'red dress & "navy" #1' },
    });
    expect(decodeShareState(hash).query).toEqual({ kind: 'text', text: 'red dress & "navy" #1' });
    expect(decodeShareState('q=%20%20').query).toBeNull();
  });

  it('keeps values with reserved characters intact', () => {
    const state: ShareState = {
      model: null,
      k: null,
      filters: { label: ['Shoes & Boots', 'a=b#c'] },
      query: null,
    };
    expect(decodeShareState(encodeShareState(state)).filters.label.sort()).toEqual([
      'Shoes & Boots',
      'a=b#c',
    ]);
  });
});
