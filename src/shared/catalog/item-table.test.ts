import { describe, expect, it } from 'vitest';
import { ItemTableError, parseItemTable } from './item-table.ts';
import type { ItemTable } from './manifest.ts';

const table: ItemTable = {
  ids: ['a', 'b'],
  fields: { label: ['Shirt', 'Hat'], colour: ['red', ''] },
  thumbs: [
    [0, 0, 100],
    [0, 100, 80],
  ],
};
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('parseItemTable', () => {
  it('returns a well-formed table unchanged', () => {
    expect(parseItemTable(encode(table), 2, [180])).toEqual(table);
  });

  it.each([
    ['not JSON', new TextEncoder().encode('{"ids": ['), /not JSON/],
    ['wrong count', encode({ ...table, ids: ['a'] }), /ids must be 2 strings/],
    ['short column', encode({ ...table, fields: { label: ['x'] } }), /field label/],
    ['non-string value', encode({ ...table, fields: { label: ['x', 3] } }), /field label/],
    ['missing thumbs', encode({ ...table, thumbs: undefined }), /thumbs/],
    [
      'pack out of range',
      encode({
        ...table,
        thumbs: [
          [0, 0, 1],
          [1, 0, 1],
        ],
      }),
      /thumbnail/,
    ],
    [
      'negative offset',
      encode({
        ...table,
        thumbs: [
          [0, -1, 1],
          [0, 0, 1],
        ],
      }),
      /thumbnail/,
    ],
    [
      'thumbnail past the end of its pack',
      encode({
        ...table,
        thumbs: [
          [0, 0, 100],
          [0, 100, 81],
        ],
      }),
      /outside its pack/,
    ],
    ['null', encode(null), /not an object/],
  ])('rejects %s with an ItemTableError', (_, bytes, message) => {
    expect(() => parseItemTable(bytes, 2, [180])).toThrow(message);
    expect(() => parseItemTable(bytes, 2, [180])).toThrow(ItemTableError);
  });
});
