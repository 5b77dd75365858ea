import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../src/shared/preprocess/rgba-image.ts';
import {
  makeView,
  meanOfPartViews,
  meanOfViews,
  parseViews,
  viewMeanModel,
  viewsTag,
} from './catalog-views.ts';
import type { NodeModel } from './node-model.ts';

/** A 10 x 8 image whose red channel is the column and green the row. */
const image: RgbaImage = {
  width: 10,
  height: 8,
  data: Uint8Array.from({ length: 10 * 8 * 4 }, (_, i) => {
    const p = Math.floor(i / 4);
    return [p % 10, Math.floor(p / 10), 0, 255][i % 4];
  }),
};

/** A fake model embedding an image as the unit vector of its (width, height, first red). */
const fake = {
  dim: 3,
  spec: { id: 'fake' },
  embedImages: (images: RgbaImage[]) => {
    const rows = images.map((im) => [im.width, im.height, im.data[0]]);
    return Promise.resolve(meanOfViews([Float32Array.from(rows.flat())], rows.length, 3));
  },
} as unknown as NodeModel;

describe('catalog views', () => {
  it('crops the bottom-right 75% from the right place', async () => {
    const view = await makeView(image, 'bottom-right-75');
    // Starts at round(2.5) = 3, round(2) = 2; keeps what is left of 75% inside the photo.
    expect([view.width, view.height]).toEqual([7, 6]);
    expect([view.data[0], view.data[1]]).toEqual([3, 2]);
  });

  it('stores the unit mean of the views, and the plain model for the full photo alone', async () => {
    expect(viewMeanModel(fake, ['full'])).toBe(fake);
    const model = viewMeanModel(fake, ['full', 'top-left-75']);
    const [mean, single] = [
      await model.embedImages([image, image]),
      await fake.embedImages([image, await makeView(image, 'top-left-75')]),
    ];
    const expected = meanOfViews([single.subarray(0, 3), single.subarray(3, 6)], 1, 3);
    expect(Array.from(mean.subarray(0, 3))).toEqual(Array.from(expected));
    expect(Array.from(mean.subarray(3, 6))).toEqual(Array.from(expected));
  });

  it('names view sets for cache files, and refuses an unknown view', () => {
    expect(viewsTag(parseViews('full'))).toBe('');
    expect(viewsTag(parseViews('full, centre-80'))).toBe('-views-full+centre-80');
    expect(() => parseViews('full,sideways')).toThrow(/unknown view sideways/);
  });
});

describe('meanOfPartViews', () => {
  // Two rows of 4 dims; the part is dims 2 and 3.
  const a = Float32Array.of(1, 0, 1, 0, 0, 1, 0, 1);
  const b = Float32Array.of(0, 1, 0, 1, 0, 1, 1, 0);
  const part = { offset: 2, dims: 2 };

  it('equals meanOfViews with the same views on both sides', () => {
    const same = meanOfPartViews([a, b], [a, b], 2, 4, part);
    const whole = meanOfViews([a, b], 2, 4);
    for (let i = 0; i < 8; i++) expect(same[i]).toBeCloseTo(whole[i], 6);
  });

  it('averages the part over its own views and the rest over the label views', () => {
    // Label part from a alone; instance part the mean of a and b: unit rows afterwards.
    const rows = meanOfPartViews([a], [a, b], 2, 4, part);
    const first = [1, 0, 0.5, 0.5];
    const norm = Math.hypot(...first);
    expect(Array.from(rows.subarray(0, 4))).toEqual(first.map((x) => Math.fround(x / norm)));
    expect(Array.from(rows.subarray(4, 8)).map((x) => +x.toFixed(6))).toEqual(
      [0, 1, 0.5, 0.5].map((x) => +(x / Math.hypot(1, 0.5, 0.5)).toFixed(6)),
    );
  });
});
