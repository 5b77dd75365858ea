import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemId, parseCsv, readMetadata } from './metadata.ts';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n1,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', ''],
    ]);
  });
});

describe('readMetadata', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meta-'));

  it('reads the shared CSV layout, keyed by the image column', () => {
    const file = join(dir, 'images.csv');
    writeFileSync(file, 'image,sender_id,label,kids\nabc,12,T-Shirt,False\ndef.jpg,3,Dress,True\n');
    const meta = readMetadata(file);
    expect(meta.get('abc')).toEqual({ sender_id: '12', label: 'T-Shirt', kids: 'False' });
    expect(meta.get('def')).toEqual({ sender_id: '3', label: 'Dress', kids: 'True' });
  });

  it('reads JSON arrays and objects keyed by id', () => {
    const array = join(dir, 'a.json');
    writeFileSync(array, JSON.stringify([{ id: 'x', label: 'Hat', price: 12 }]));
    expect(readMetadata(array).get('x')).toEqual({ label: 'Hat', price: '12' });
    const object = join(dir, 'o.json');
    writeFileSync(object, JSON.stringify({ y: { label: 'Skirt' } }));
    expect(readMetadata(object).get('y')).toEqual({ label: 'Skirt' });
  });

  it('says which column is missing', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'colour,label\nred,Hat\n');
    expect(() => readMetadata(file)).toThrow(/no id column/);
  });
});

describe('itemId', () => {
  it('drops folders and image extensions only', () => {
    expect(itemId('a/b/c.JPG')).toBe('c');
    expect(itemId('v1.2.webp')).toBe('v1.2');
  });
});
