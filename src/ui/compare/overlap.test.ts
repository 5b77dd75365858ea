import { describe, expect, it } from 'vitest';
import { overlap } from './overlap.ts';

const ranked = (...ids: string[]) => ids.map((id, i) => ({ id, rank: i + 1 }));

describe('overlap', () => {
  it('counts the items both lists hold and gives each its rank in the other', () => {
    const result = overlap(ranked('a', 'b', 'c', 'd'), ranked('c', 'x', 'a', 'y'));
    expect(result.shared).toBe(2);
    expect(result.of).toBe(4);
    expect([...result.otherRank[0]]).toEqual([
      ['a', 3],
      ['c', 1],
    ]);
    expect([...result.otherRank[1]].sort()).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
  });

  it('is symmetric', () => {
    const left = ranked('a', 'b', 'c', 'd', 'e');
    const right = ranked('e', 'q', 'b', 'r', 's');
    const there = overlap(left, right);
    const back = overlap(right, left);
    expect(back.shared).toBe(there.shared);
    expect(new Map(back.otherRank[0])).toEqual(new Map(there.otherRank[1]));
    expect(new Map(back.otherRank[1])).toEqual(new Map(there.otherRank[0]));
  });

  it('reports identical lists as all shared, at the same ranks', () => {
    const result = overlap(ranked('a', 'b', 'c'), ranked('a', 'b', 'c'));
    expect(result.shared).toBe(3);
    expect([...result.otherRank[0]]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('handles disjoint, empty and unequal lists', () => {
    expect(overlap(ranked('a', 'b'), ranked('c', 'd')).shared).toBe(0);
    const empty = overlap([], ranked('a'));
    expect(empty).toMatchObject({ shared: 0, of: 0 });
    expect(empty.otherRank[0].size + empty.otherRank[1].size).toBe(0);
    // A filter can leave fewer matches than Top-K: the shorter list bounds the overlap.
    const short = overlap(ranked('a', 'b', 'c', 'd'), ranked('d', 'a'));
    expect(short).toMatchObject({ shared: 2, of: 2 });
  });

  it('keeps ranks as given (results carry their own rank)', () => {
    const left = [
      { id: 'a', rank: 4 },
      { id: 'b', rank: 9 },
    ];
    const right = [{ id: 'b', rank: 2 }];
    const result = overlap(left, right);
    expect(result.otherRank[0].get('b')).toBe(2);
    expect(result.otherRank[1].get('b')).toBe(9);
  });
});
