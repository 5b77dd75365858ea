import { describe, expect, it } from 'vitest';
import type { ItemTable } from '../catalog/manifest.ts';
import { FilterError, buildFilterMask, countMatches, isConstrained } from './filter.ts';

const table: ItemTable = {
  ids: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
  fields: {
    label: ['shirt', 'shoes', 'shirt', 'hat', 'shoes', 'shirt', 'hat', 'shirt', 'shoes', ''],
    colour: ['red', 'red', 'blue', 'blue', 'black', 'red', 'red', 'black', 'blue', 'red'],
  },
  thumbs: [],
};

const members = (mask: Uint8Array) =>
  table.ids.filter((_, i) => ((mask[i >> 3] >> (i & 7)) & 1) === 1);

describe('buildFilterMask', () => {
  it('ORs values within a field and ANDs across fields', () => {
    expect(members(buildFilterMask(table, { label: ['shirt', 'hat'] }))).toEqual([
      'a',
      'c',
      'd',
      'f',
      'g',
      'h',
    ]);
    expect(members(buildFilterMask(table, { label: ['shirt', 'hat'], colour: ['red'] }))).toEqual([
      'a',
      'f',
      'g',
    ]);
    expect(members(buildFilterMask(table, { label: [''] }))).toEqual(['j']);
    expect(members(buildFilterMask(table, { label: ['coat'] }))).toEqual([]);
  });

  it('treats an empty selection or empty value lists as no constraint', () => {
    expect(isConstrained({})).toBe(false);
    expect(isConstrained({ label: [] })).toBe(false);
    expect(isConstrained({ label: [], colour: ['red'] })).toBe(true);
    expect(members(buildFilterMask(table, { label: [] }))).toEqual(table.ids);
  });

  it('reuses a large enough buffer, clearing what it held', () => {
    const out = new Uint8Array(4).fill(0xff);
    const mask = buildFilterMask(table, { colour: ['black'] }, out);
    expect(mask).toBe(out);
    expect(members(mask)).toEqual(['e', 'h']);
    expect(countMatches(mask, table.ids.length)).toBe(2);
    expect(buildFilterMask(table, { colour: ['black'] }, new Uint8Array(1))).toHaveLength(2);
  });

  it('refuses a field the catalog does not have', () => {
    expect(() => buildFilterMask(table, { size: ['M'] })).toThrow(FilterError);
  });
});
