import { describe, expect, it } from 'vitest';
import { validate } from './validate.ts';

describe('validate', () => {
  // 2-d unit vectors: catalog a at 0 and 10 degrees, b at 90 and 100, one distractor at 45.
  const deg = (d: number) => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)];
  const catalog = Float32Array.from([0, 10, 90, 100, 45].flatMap(deg));
  const catalogLabels = ['a', 'a', 'b', 'b', 'Other'];

  it('ranks by cosine and scores mAP@10 and P@5 against the catalog labels', () => {
    // Query a at 5 degrees: a, a, Other, b, b -> AP = 1, P@5 = 2/5.
    // Query b at 60 degrees: Other (45), b (90), a (10)... -> cosines 45:0.966, 90:0.866,
    // 100:0.766, 10:0.643, 0:0.5 -> ranked Other, b, b, a, a: AP = (1/2 + 2/3) / 2.
    // Query c (no such label in the catalog) scores 0. Five queries cover the 4-query blocks.
    const queries = Float32Array.from([5, 60, 0, 5, 60].flatMap(deg));
    const labels = ['a', 'b', 'c', 'a', 'b'];
    const { mapAt10, pAt5 } = validate(queries, labels, catalog, catalogLabels, 2);
    const apB = (1 / 2 + 2 / 3) / 2;
    expect(mapAt10).toBeCloseTo((1 + apB + 0 + 1 + apB) / 5, 6);
    expect(pAt5).toBeCloseTo(((2 / 5) * 4) / 5, 6);
  });
});
