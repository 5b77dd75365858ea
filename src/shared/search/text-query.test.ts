import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../scripts/lib/metadata.ts';
import { COLOUR_FAMILIES } from '../catalog/colour.ts';
import { buildKeywordVocabulary, mergeFilters, parseTextQuery } from './text-query.ts';

// The shared data set's real metadata columns, plus the colour families the build computes.
const csv = parseCsv(
  readFileSync(
    resolve(import.meta.dirname, '../../../../shared/datasets/clothing/images.csv'),
    'utf8',
  ),
);
const header = csv[0];
const column = (name: string) => csv.slice(1).map((row) => row[header.indexOf(name)]);
const vocabulary = buildKeywordVocabulary({
  sender_id: column('sender_id'),
  label: column('label'),
  kids: column('kids'),
  colour: COLOUR_FAMILIES,
});
const parse = (text: string) => parseTextQuery(text, vocabulary);

describe('parseTextQuery', () => {
  it('reads a label and a colour', () => {
    const query = parse('red dress');
    expect(query.filters).toEqual({ colour: ['red'], label: ['Dress'] });
    expect(query.terms).toEqual([
      { field: 'colour', value: 'red', words: 'red' },
      { field: 'label', value: 'Dress', words: 'dress' },
    ]);
    expect(query.leftover).toEqual([]);
  });

  it('understands plurals, spellings and synonyms', () => {
    expect(parse('Dresses').filters).toEqual({ label: ['Dress'] });
    expect(parse('tshirt').filters).toEqual({ label: ['T-Shirt'] });
    expect(parse('T-shirts').filters).toEqual({ label: ['T-Shirt'] });
    expect(parse('t shirt').filters).toEqual({ label: ['T-Shirt'] });
    expect(parse('tees').filters).toEqual({ label: ['T-Shirt'] });
    expect(parse('jacket').filters).toEqual({ label: ['Outwear'] });
    expect(parse('trousers').filters).toEqual({ label: ['Pants'] });
    expect(parse('sneakers').filters).toEqual({ label: ['Shoes'] });
    expect(parse('long sleeve').filters).toEqual({ label: ['Longsleeve'] });
    expect(parse('hoodies').filters).toEqual({ label: ['Hoodie'] });
    expect(parse('navy').filters).toEqual({ colour: ['blue'] });
    expect(parse('gray').filters).toEqual({ colour: ['grey'] });
    expect(parse('grey').filters).toEqual({ colour: ['grey'] });
    expect(parse('cream').filters).toEqual({ colour: ['beige'] });
  });

  it('maps kids words to the true value of the kids field', () => {
    expect(parse('kids').filters).toEqual({ kids: ['True'] });
    expect(parse('shoes for children').filters).toEqual({ label: ['Shoes'], kids: ['True'] });
    expect(parse('boys shorts').filters).toEqual({ kids: ['True'], label: ['Shorts'] });
  });

  it('ORs several values of one field and keeps unknown words as leftover', () => {
    const query = parse('a black or navy jacket with floral print');
    expect(query.filters).toEqual({ colour: ['black', 'blue'], label: ['Outwear'] });
    expect(query.leftover).toEqual(['floral', 'print']);
  });

  it('ignores identifiers, "unknown" values and true/false spelled out', () => {
    // sender ids are numbers, "Not sure"/"Other"/"Skip" mean unknown.
    expect(parse('124 not sure other skip true').filters).toEqual({});
    expect(parse('124').leftover).toEqual(['124']);
    expect(parse('').filters).toEqual({});
  });

  it('matches nothing when the catalog lacks the synonym target', () => {
    const small = buildKeywordVocabulary({ label: ['Dress', 'Skirt'] });
    expect(parseTextQuery('jacket dress', small).filters).toEqual({ label: ['Dress'] });
    expect(parseTextQuery('jacket dress', small).leftover).toEqual(['jacket']);
  });
});

describe('mergeFilters', () => {
  it('intersects fields both constrain and keeps the rest', () => {
    expect(
      mergeFilters({ label: ['Dress', 'Skirt'], kids: ['False'] }, { label: ['Dress'] }),
    ).toEqual({ label: ['Dress'], kids: ['False'] });
    expect(mergeFilters({}, { colour: ['red'] })).toEqual({ colour: ['red'] });
  });

  it('says null when a field is left with nothing', () => {
    expect(mergeFilters({ label: ['Skirt'] }, { label: ['Dress'] })).toBeNull();
  });
});
