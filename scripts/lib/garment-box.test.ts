import { describe, expect, it } from 'vitest';
import { garmentBox, squareAround } from './garment-box.ts';

/** A side x side map, 1 everywhere but `hot` cells (y, x), which hold 10. */
function mapWith(side: number, hot: [number, number][]): Float32Array {
  const map = new Float32Array(side * side).fill(1);
  for (const [y, x] of hot) map[y * side + x] = 10;
  return map;
}

describe('garmentBox', () => {
  it('boxes the largest region above the mean, not a smaller one apart from it', () => {
    const region: [number, number][] = [
      [2, 3],
      [2, 4],
      [3, 3],
      [3, 4],
      [4, 4],
    ];
    const box = garmentBox(mapWith(7, [...region, [0, 0]]), 7);
    expect(box).toEqual([3 / 7, 2 / 7, 2 / 7, 3 / 7]);
  });

  it('keeps the whole photo when no cell stands out', () => {
    expect(garmentBox(new Float32Array(49).fill(2), 7)).toEqual([0, 0, 1, 1]);
  });
});

describe('squareAround', () => {
  const image = { width: 40, height: 60, data: new Uint8Array(40 * 60 * 4) };
  for (let i = 0; i < 40 * 60; i++) image.data[i * 4] = i % 40; // red = column
  for (let i = 0; i < 40 * 60; i++) image.data[i * 4 + 1] = Math.floor(i / 40); // green = row

  it('cuts a square around the box, grown by the margin', () => {
    const out = squareAround(image, [0.25, 0.25, 0.5, 0.25], 0.5);
    expect([out.width, out.height]).toEqual([30, 30]);
    // Centred on the box's centre (20, 22.5): columns 5.., rows 8 (rounded) ..
    expect(out.data[0]).toBe(5);
    expect(out.data[1]).toBe(8);
  });

  it('stays inside the photo and never exceeds its shorter side', () => {
    const out = squareAround(image, [0.8, 0.9, 0.2, 0.1], 5);
    expect([out.width, out.height]).toEqual([40, 40]);
    expect(out.data[0]).toBe(0);
    expect(out.data[1]).toBe(20);
  });
});
