/**
 * Database-side augmentation: views of a catalog photo (crops, a softened copy) whose mean
 * embedding the catalog stores, so a shopper's loosely framed or blurry photo lands nearer its
 * item. Only the catalog pays (once, at build time); the query runs the model once as before.
 */
import sharp from 'sharp';
import type { RgbaImage } from '../../src/shared/preprocess/rgba-image.ts';
import type { NodeModel } from './node-model.ts';

/** A view: a crop (fractions of the photo's width and height) or a softened whole photo. */
export type ViewSpec = { crop: [x: number, y: number, w: number, h: number] } | { soften: number };

export const VIEWS = {
  full: { crop: [0, 0, 1, 1] },
  'centre-80': { crop: [0.1, 0.1, 0.8, 0.8] },
  'centre-65': { crop: [0.175, 0.175, 0.65, 0.65] },
  'top-left-75': { crop: [0, 0, 0.75, 0.75] },
  'top-right-75': { crop: [0.25, 0, 0.75, 0.75] },
  'bottom-left-75': { crop: [0, 0.25, 0.75, 0.75] },
  'bottom-right-75': { crop: [0.25, 0.25, 0.75, 0.75] },
  'soft-40': { soften: 0.4 },
} as const satisfies Record<string, ViewSpec>;
export type ViewName = keyof typeof VIEWS;

function cropped(image: RgbaImage, [fx, fy, fw, fh]: readonly number[]): RgbaImage {
  const x = Math.round(fx * image.width);
  const y = Math.round(fy * image.height);
  const width = Math.max(1, Math.min(image.width - x, Math.round(fw * image.width)));
  const height = Math.max(1, Math.min(image.height - y, Math.round(fh * image.height)));
  const data = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * 4;
    data.set(image.data.subarray(from, from + width * 4), row * width * 4);
  }
  return { data, width, height };
}

/** Down to `factor` of the size and back: the detail a small or shaken phone photo lacks. */
async function softened(image: RgbaImage, factor: number): Promise<RgbaImage> {
  const raw = { width: image.width, height: image.height, channels: 4 as const };
  const small = await sharp(image.data, { raw })
    .resize(
      Math.max(8, Math.round(image.width * factor)),
      Math.max(8, Math.round(image.height * factor)),
      { fit: 'fill' },
    )
    .raw()
    .toBuffer({ resolveWithObject: true });
  const back = await sharp(small.data, { raw: { ...small.info, channels: 4 } })
    .resize(image.width, image.height, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
  return {
    data: new Uint8Array(back.buffer, back.byteOffset, back.byteLength),
    width: image.width,
    height: image.height,
  };
}

export function makeView(image: RgbaImage, name: ViewName): Promise<RgbaImage> {
  const spec: ViewSpec = VIEWS[name];
  if ('soften' in spec) return softened(image, spec.soften);
  return Promise.resolve(name === 'full' ? image : cropped(image, spec.crop));
}

/**
 * The unit mean of `count` rows of per-view embeddings, view by view: `perView[v]` holds
 * count x dim rows of view v. `weights` (default 1 each) weigh the views.
 */
export function meanOfViews(
  perView: readonly Float32Array[],
  count: number,
  dim: number,
  weights?: readonly number[],
): Float32Array {
  const out = new Float32Array(count * dim);
  perView.forEach((rows, v) => {
    const w = weights?.[v] ?? 1;
    for (let i = 0; i < count * dim; i++) out[i] += w * rows[i];
  });
  for (let r = 0; r < count; r++) {
    const row = out.subarray(r * dim, (r + 1) * dim);
    const norm = Math.hypot(...row) || 1;
    for (let j = 0; j < dim; j++) row[j] /= norm;
  }
  return out;
}

/**
 * Like meanOfViews, but the instance part (dims `offset` to `offset + dims`, e.g. the whitened
 * part) is the mean of its own views, so extra crops can sharpen the search for the same item
 * without pulling the label part towards a photo's details: rows' other dims are the mean of
 * `labelViews`, the part's the mean of `partViews`, then each row is made unit. With the same
 * views on both sides it equals meanOfViews.
 */
export function meanOfPartViews(
  labelViews: readonly Float32Array[],
  partViews: readonly Float32Array[],
  count: number,
  dim: number,
  { offset, dims }: { offset: number; dims: number },
): Float32Array {
  const out = new Float32Array(count * dim);
  const add = (views: readonly Float32Array[], inPart: boolean) => {
    const w = 1 / views.length;
    for (const rows of views) {
      for (let r = 0; r < count; r++) {
        for (let j = 0; j < dim; j++) {
          const here = j >= offset && j < offset + dims;
          if (here === inPart) out[r * dim + j] += w * rows[r * dim + j];
        }
      }
    }
  };
  add(labelViews, false);
  add(partViews, true);
  return meanOfViews([out], count, dim);
}

/**
 * The views `npm run catalog` averages by default: the full photo and its central 80%, chosen on
 * validation and confirmed by `npm run eval` (instance R@1 0.30 -> 0.42; docs/training.md).
 */
export const CATALOG_VIEWS: readonly ViewName[] = ['full', 'centre-80'];

/** Parses `full,centre-80` into view names; throws on an unknown name. */
export function parseViews(list: string): ViewName[] {
  const names = list.split(',').map((v) => v.trim());
  for (const name of names) {
    if (!(name in VIEWS)) {
      throw new RangeError(`unknown view ${name} (views: ${Object.keys(VIEWS).join(', ')})`);
    }
  }
  return names as ViewName[];
}

/** Tag of a view set for cache file names: '' for the full photo alone (what older builds stored). */
export function viewsTag(views: readonly ViewName[]): string {
  return views.length === 1 && views[0] === 'full' ? '' : `-views-${views.join('+')}`;
}

/** A model whose embedImages stores the unit mean of each image's views: the catalog side. */
export function viewMeanModel(model: NodeModel, views: readonly ViewName[]): NodeModel {
  if (!viewsTag(views)) return model;
  return {
    ...model,
    async embedImages(images) {
      const all: RgbaImage[] = [];
      for (const image of images) for (const view of views) all.push(await makeView(image, view));
      const flat = await model.embedImages(all);
      const { dim } = model;
      // Rows are image-major: regroup as one block per view for meanOfViews.
      const perView = views.map((_, v) => {
        const rows = new Float32Array(images.length * dim);
        for (let i = 0; i < images.length; i++) {
          const from = (i * views.length + v) * dim;
          rows.set(flat.subarray(from, from + dim), i * dim);
        }
        return rows;
      });
      return meanOfViews(perView, images.length, dim);
    },
  };
}
