import { describe, expect, it } from 'vitest';
import { rerankScorer } from './rerank-scores.ts';

const unit = (...x: number[]) => x.map((v) => v / Math.hypot(...x));

describe('rerankScorer instance views', () => {
  // 4 dims, the last two the instance part. The camera shot's original is item 2: far on the
  // blended search and on its own row's part, but one of its views has the shot's part.
  const query = Float32Array.from(unit(1, 0, 0, 1));
  const sides = {
    dim: 4,
    part: { offset: 2, dims: 2 },
    catalog: Float32Array.from([...unit(1, 0, 0.3, 0.1), ...unit(0, 1, 0, 0), ...unit(0, 1, 1, 0)]),
    labels: ['a', 'b', 'a'],
    colours: ['x', 'x', 'x'],
    queries: query,
    queryLabels: ['a'],
    queryColours: ['x'],
    camera: query,
    originals: [2],
  };
  const view = Float32Array.from([
    ...unit(1, 0, 0.3, 0.1),
    ...unit(0, 1, 0, 0),
    ...unit(0, 1, 0, 1),
  ]);
  const instance = { depth: 20, margin: 0.06, pool: 0 };

  it('reads only the catalog rows without views', () => {
    expect(rerankScorer(sides)(null, instance)[4]).toBe(0);
  });

  it("puts first the candidate whose best view matches the shot's instance part", () => {
    expect(rerankScorer({ ...sides, instanceViews: [view] })(null, instance)[4]).toBe(1);
    // Without instance-first the views change nothing.
    expect(rerankScorer({ ...sides, instanceViews: [view] })(null, null)[4]).toBe(0);
  });
});
