/** How much two ranked result lists agree: the items both hold, and where each sits in the other. */

export interface Ranked {
  id: string;
  rank: number;
}

export interface Overlap {
  /** Items in both lists. */
  shared: number;
  /** The shorter list's length: `shared` out of this many could match. */
  of: number;
  /** Per list (left, right): a shared item's id → its rank in the other list. */
  otherRank: readonly [ReadonlyMap<string, number>, ReadonlyMap<string, number>];
}

export function overlap(left: readonly Ranked[], right: readonly Ranked[]): Overlap {
  const rightRanks = new Map(right.map((item) => [item.id, item.rank]));
  const inLeft = new Map<string, number>();
  const inRight = new Map<string, number>();
  for (const item of left) {
    const rank = rightRanks.get(item.id);
    if (rank === undefined || inLeft.has(item.id)) continue;
    inLeft.set(item.id, rank);
    inRight.set(item.id, item.rank);
  }
  return {
    shared: inLeft.size,
    of: Math.min(left.length, right.length),
    otherRank: [inLeft, inRight],
  };
}
