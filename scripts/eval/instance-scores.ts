/**
 * Instance retrieval scores from each camera query's top 5: overall, upright vs sideways (EXIF),
 * and per distortion kind (the first word of each effect a query went through).
 */
export interface KindScore {
  queries: number;
  recall_at_1: number;
  recall_at_5: number;
}

export interface InstanceScores {
  instance_queries: number;
  instance_recall_at_1: number;
  instance_recall_at_5: number;
  /** R@1 of the queries stored sideways with an EXIF orientation tag (a decoder check). */
  instance_sideways_recall_at_1: number;
  /** R@1 of the others: sideways should score within 0.03 of this. */
  instance_upright_recall_at_1: number;
  /**
   * R@1 of the sideways queries' twins: the same shots stored upright. Against the sideways R@1
   * it is a paired check (same shots), free of the sampling noise of comparing two subsets.
   */
  instance_sideways_as_upright_recall_at_1: number;
  /** Per distortion kind: the queries that went through it. */
  instance_by_kind: Record<string, KindScore>;
}

/** The kind of an effect line (`"crop 80% at 3,4"` is a crop). */
export const kindOf = (effect: string) => effect.split(' ')[0];

/** Both generators' names for "stored sideways with an EXIF tag". */
const isSideways = (effects: readonly string[]) =>
  effects.some((e) => kindOf(e) === 'sideways' || kindOf(e) === 'exif');

/** The sideways queries' upright twins, searched: which queries, and each twin's top 5. */
export interface TwinResults {
  queries: readonly number[];
  top5: readonly ArrayLike<number>[];
}

/** Indices of the queries stored sideways. */
export const sidewaysQueries = (effects: readonly (readonly string[])[]): number[] =>
  effects.flatMap((e, q) => (isSideways(e) ? [q] : []));

export function scoreInstances(
  top5: readonly ArrayLike<number>[],
  originals: readonly number[],
  effects: readonly (readonly string[])[],
  twins: TwinResults = { queries: [], top5: [] },
): InstanceScores {
  const tally = new Map<string, { n: number; hit1: number; hit5: number }>();
  const add = (key: string, hit1: boolean, hit5: boolean) => {
    const t = tally.get(key) ?? tally.set(key, { n: 0, hit1: 0, hit5: 0 }).get(key)!;
    t.n++;
    t.hit1 += Number(hit1);
    t.hit5 += Number(hit5);
  };
  originals.forEach((original, q) => {
    const ranked = Array.from(top5[q]);
    const hit1 = ranked[0] === original;
    const hit5 = ranked.slice(0, 5).includes(original);
    add('all', hit1, hit5);
    add(isSideways(effects[q]) ? 'sideways' : 'upright', hit1, hit5);
    for (const kind of new Set(effects[q].map(kindOf))) add(`kind:${kind}`, hit1, hit5);
  });
  const score = (key: string): KindScore => {
    const t = tally.get(key);
    return t
      ? { queries: t.n, recall_at_1: t.hit1 / t.n, recall_at_5: t.hit5 / t.n }
      : { queries: 0, recall_at_1: 0, recall_at_5: 0 };
  };
  const kinds = [...tally.keys()].filter((k) => k.startsWith('kind:')).sort();
  return {
    instance_queries: originals.length,
    instance_recall_at_1: score('all').recall_at_1,
    instance_recall_at_5: score('all').recall_at_5,
    instance_sideways_recall_at_1: score('sideways').recall_at_1,
    instance_upright_recall_at_1: score('upright').recall_at_1,
    instance_sideways_as_upright_recall_at_1: twins.queries.length
      ? twins.queries.filter((q, j) => twins.top5[j][0] === originals[q]).length /
        twins.queries.length
      : 0,
    instance_by_kind: Object.fromEntries(kinds.map((k) => [k.slice(5), score(k)])),
  };
}
