import { describe, expect, it } from 'vitest';
import { dragRect, FULL_PHOTO, isFullPhoto, keyRect, MIN_SIDE } from './crop-geometry.ts';

const box = { x: 0.2, y: 0.2, width: 0.5, height: 0.4 };

function expectClose(actual: object, expected: object) {
  for (const [key, value] of Object.entries(expected)) {
    expect((actual as Record<string, number>)[key], key).toBeCloseTo(value as number, 9);
  }
}

describe('crop box geometry', () => {
  it('moves the box but never out of the photo', () => {
    expectClose(dragRect(box, 'move', 0.1, -0.1), { x: 0.3, y: 0.1, width: 0.5, height: 0.4 });
    expectClose(dragRect(box, 'move', 5, 5), { x: 0.5, y: 0.6, width: 0.5, height: 0.4 });
    expectClose(dragRect(box, 'move', -5, -5), { x: 0, y: 0, width: 0.5, height: 0.4 });
  });

  it('resizes from a corner, clamped to the photo', () => {
    expectClose(dragRect(box, 'se', 0.1, 0.1), { x: 0.2, y: 0.2, width: 0.6, height: 0.5 });
    expectClose(dragRect(box, 'nw', -1, -1), { x: 0, y: 0, width: 0.7, height: 0.6 });
    expectClose(dragRect(box, 'e', 9, 9), { x: 0.2, y: 0.2, width: 0.8, height: 0.4 });
  });

  it('never shrinks below the minimum side, even when dragged past the opposite edge', () => {
    const r = dragRect(box, 'w', 0.9, 0);
    expect(r.width).toBeCloseTo(MIN_SIDE, 9);
    expect(r.x + r.width).toBeCloseTo(0.7, 9);
    expect(dragRect(box, 'n', 0, 0.9).height).toBeCloseTo(MIN_SIDE, 9);
  });

  it('maps arrow keys to moves and Shift+arrows to resizes', () => {
    expectClose(keyRect(box, 'ArrowRight', false)!, { x: 0.22, width: 0.5 });
    expectClose(keyRect(box, 'ArrowDown', true)!, { y: 0.2, height: 0.42 });
    expect(keyRect(box, 'Enter', false)).toBeNull();
  });

  it('knows the uncropped photo', () => {
    expect(isFullPhoto(FULL_PHOTO)).toBe(true);
    expect(isFullPhoto(box)).toBe(false);
  });
});
