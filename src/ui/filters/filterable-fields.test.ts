import { describe, expect, it } from 'vitest';
import type { FieldSummary } from '../engine/engine-types.ts';
import {
  filterableFields,
  knownFilters,
  MAX_CHIP_VALUES,
  toggleFilter,
} from './filterable-fields.ts';

const many = (n: number) => Array.from({ length: n }, (_, i) => ({ value: String(i), count: 1 }));

const fields: FieldSummary[] = [
  { name: 'sender_id', values: many(MAX_CHIP_VALUES + 1) },
  {
    name: 'label',
    values: [
      { value: 'T-Shirt', count: 10 },
      { value: 'Dress', count: 3 },
    ],
  },
  {
    name: 'kids',
    values: [
      { value: 'False', count: 12 },
      { value: '', count: 1 },
    ],
  },
  {
    name: 'colour',
    values: [
      { value: 'black', count: 5 },
      { value: 'red', count: 4 },
      { value: '', count: 4 },
    ],
  },
];

describe('filter chips', () => {
  it('hides identifier-like fields and fields with one real value', () => {
    const shown = filterableFields(fields);
    expect(shown.map((f) => f.name)).toEqual(['label', 'colour']);
    expect(shown[1].values.map((v) => v.value)).toEqual(['black', 'red']);
  });

  it('toggles a value on and off, dropping an emptied field', () => {
    const on = toggleFilter({}, 'label', 'Dress');
    expect(on).toEqual({ label: ['Dress'] });
    const two = toggleFilter(on, 'label', 'T-Shirt');
    expect(two).toEqual({ label: ['Dress', 'T-Shirt'] });
    expect(on).toEqual({ label: ['Dress'] });
    expect(toggleFilter(toggleFilter(two, 'label', 'Dress'), 'label', 'T-Shirt')).toEqual({});
  });

  it('drops filters the catalog does not know', () => {
    expect(
      knownFilters({ label: ['Dress', 'Cape'], shape: ['round'], colour: ['red'] }, fields),
    ).toEqual({ label: ['Dress'], colour: ['red'] });
  });
});
