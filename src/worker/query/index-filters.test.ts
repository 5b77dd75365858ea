import { describe, expect, it, vi } from 'vitest';
import type { ItemTable } from '../../shared/catalog/manifest.ts';
import type { FlatIndex } from '../../shared/search/flat-index.ts';
import { IndexFilters } from './index-filters.ts';

const items: ItemTable = {
  ids: ['a', 'b', 'c'],
  fields: { label: ['Dress', 'Shirt', 'Dress'], colour: ['red', 'red', 'blue'] },
  thumbs: [],
};
const fakeIndex = () =>
  ({ setFilter: vi.fn() }) as unknown as FlatIndex & {
    setFilter: ReturnType<typeof vi.fn>;
  };

describe('IndexFilters', () => {
  it('sets a mask of the accepted items, and again only when the selection changes', () => {
    const filters = new IndexFilters();
    const index = fakeIndex();
    filters.apply(items, index, { label: ['Dress'] });
    // Bits 0 and 2: items a and c.
    expect(Array.from(index.setFilter.mock.calls[0][0] as Uint8Array)).toEqual([0b101]);
    // The same selection, written differently (order, empty fields): no new mask.
    filters.apply(items, index, { colour: [], label: ['Dress'] });
    expect(index.setFilter).toHaveBeenCalledTimes(1);
    filters.apply(items, index, {});
    expect(index.setFilter).toHaveBeenCalledTimes(2);
    expect(Array.from(index.setFilter.mock.calls[1][0] as Uint8Array)).toEqual([0b111]);
  });

  it('sets the mask again after another user of the index changed it', () => {
    const filters = new IndexFilters();
    const index = fakeIndex();
    filters.apply(items, index, { colour: ['red'] });
    filters.forget(index);
    filters.apply(items, index, { colour: ['red'] });
    expect(index.setFilter).toHaveBeenCalledTimes(2);
  });

  it('refuses a field the catalog lacks', () => {
    expect(() => new IndexFilters().apply(items, fakeIndex(), { size: ['M'] })).toThrow(
      expect.objectContaining({ name: 'EngineError', message: 'The catalog has no field size.' }),
    );
  });
});
