import { expect, test } from 'vitest';
import { orientPixels } from './orient-pixels.ts';

// A 3 × 2 coded frame whose pixels are numbered 1..6 (in the red channel), row by row:
//   1 2 3
//   4 5 6
const coded = new Uint8ClampedArray(6 * 4).map((_, i) => (i % 4 === 0 ? i / 4 + 1 : 0));
const reds = (pixels: Uint8ClampedArray) => [...pixels].filter((_, i) => i % 4 === 0);

test.each([
  [0, false, [1, 2, 3, 4, 5, 6]],
  [0, true, [3, 2, 1, 6, 5, 4]],
  [180, false, [6, 5, 4, 3, 2, 1]],
  [180, true, [4, 5, 6, 1, 2, 3]],
  // A quarter turn clockwise: the left column, bottom to top, becomes the top row.
  [90, false, [4, 1, 5, 2, 6, 3]],
  [90, true, [1, 4, 2, 5, 3, 6]],
  [270, false, [3, 6, 2, 5, 1, 4]],
  [270, true, [6, 3, 5, 2, 4, 1]],
])('rotation %i, flip %s', (rotation, flip, expected) => {
  expect(reds(orientPixels(coded, 3, 2, 12, rotation, flip))).toEqual(expected);
});

test('rows may be padded (stride beyond the width), and alpha comes out opaque', () => {
  const padded = new Uint8ClampedArray(2 * 16);
  padded.set([10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0], 0);
  padded.set([40, 0, 0, 0, 50, 0, 0, 0, 60, 0, 0, 0], 16);
  const out = orientPixels(padded, 3, 2, 16, 0, false);
  expect(reds(out)).toEqual([10, 20, 30, 40, 50, 60]);
  expect([...out].filter((_, i) => i % 4 === 3)).toEqual([255, 255, 255, 255, 255, 255]);
});
