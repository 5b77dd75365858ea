/**
 * RGBA pixels to a model's input tensor: crop, antialiased resize (squash or centre crop),
 * alpha over white, channel order, (v / 255 - mean) / std, written at a batch index of a
 * caller-owned buffer. Reuses its scratch buffers, so steady-state calls allocate nothing.
 */
import type { ModelSpec } from '../model/spec.ts';
import { AxisFilter } from './axis-filter.ts';
import type { CropRect, RgbaImage } from './rgba-image.ts';

export type TensorInput = ModelSpec['input'];

/** Bad arguments to `toTensor` (wrong buffer size, crop outside the image, ...). */
export class TensorInputError extends Error {
  override readonly name = 'TensorInputError';
}

/** Floats one image takes in a tensor for `input`. */
export function tensorLength(input: Pick<TensorInput, 'size'>): number {
  return 3 * input.size * input.size;
}

/** A zeroed tensor buffer for `batch` images. */
export function createTensorBuffer(input: Pick<TensorInput, 'size'>, batch: number): Float32Array {
  return new Float32Array(batch * tensorLength(input));
}

/** The region of `crop` (default: whole image) that `resize` maps onto the square input. */
export function sourceRegion(
  image: RgbaImage,
  resize: TensorInput['resize'],
  crop?: CropRect,
): CropRect {
  const region = crop ?? { x: 0, y: 0, width: image.width, height: image.height };
  if (resize === 'squash') return region;
  const side = Math.min(region.width, region.height);
  return {
    x: region.x + (region.width - side) / 2,
    y: region.y + (region.height - side) / 2,
    width: side,
    height: side,
  };
}

function checkImage(image: RgbaImage, crop?: CropRect): void {
  const { width, height, data } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new TensorInputError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new TensorInputError(
      `RGBA data has ${data.length} bytes, a ${width}x${height} image needs ${width * height * 4}`,
    );
  }
  if (crop) {
    const { x, y, width: w, height: h } = crop;
    const inside = x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height;
    if (!inside) {
      throw new TensorInputError(
        `crop ${w}x${h} at (${x}, ${y}) is not inside the ${width}x${height} image`,
      );
    }
  }
}

/** Converts images for one model input spec; keep one per worker/script and reuse it. */
export class ImagePreprocessor {
  readonly input: TensorInput;
  readonly #columns: AxisFilter;
  readonly #rows: AxisFilter;
  /** Horizontally resampled rows, RGB floats in 0..255: [row][x][channel]. */
  #scratch: Float32Array;
  readonly #scale = new Float32Array(3);
  readonly #offset = new Float32Array(3);

  constructor(input: TensorInput) {
    if (!(Number.isInteger(input.size) && input.size > 0)) {
      throw new TensorInputError(`input size must be a positive integer, got ${input.size}`);
    }
    this.input = input;
    this.#columns = new AxisFilter(input.size);
    this.#rows = new AxisFilter(input.size);
    this.#scratch = new Float32Array(input.size * input.size * 3);
    // (v / 255 - mean) / std as v * scale + offset, per model channel.
    for (let c = 0; c < 3; c++) {
      if (!(input.std[c] > 0)) throw new TensorInputError(`std[${c}] must be > 0`);
      this.#scale[c] = 1 / (255 * input.std[c]);
      this.#offset[c] = -input.mean[c] / input.std[c];
    }
  }

  /** Floats per image in the output tensor. */
  get imageLength(): number {
    return tensorLength(this.input);
  }

  /**
   * Writes `image` (optionally only `crop`, in image pixels) as batch item `index` of `out`.
   * Transparent pixels are composited over white.
   */
  toTensor(image: RgbaImage, out: Float32Array, index: number, crop?: CropRect): void {
    checkImage(image, crop);
    const size = this.input.size;
    const perImage = this.imageLength;
    if (!(Number.isInteger(index) && index >= 0 && (index + 1) * perImage <= out.length)) {
      throw new TensorInputError(
        `batch index ${index} does not fit a tensor of ${out.length} floats (${perImage} per image)`,
      );
    }
    const region = sourceRegion(image, this.input.resize, crop);
    const cols = this.#columns;
    const rows = this.#rows;
    cols.compute(region.x, region.width, image.width);
    rows.compute(region.y, region.height, image.height);

    const firstRow = rows.starts[0];
    const lastRow = rows.starts[size - 1] + rows.counts[size - 1];
    const needed = Math.max(lastRow - firstRow, 1) * size * 3;
    if (this.#scratch.length < needed) this.#scratch = new Float32Array(needed);
    const scratch = this.#scratch;
    const data = image.data;
    const rowBytes = image.width * 4;

    // Pass 1: resample each needed source row to `size` columns, alpha over white.
    for (let y = firstRow; y < lastRow; y++) {
      const rowBase = y * rowBytes;
      const outBase = (y - firstRow) * size * 3;
      for (let o = 0; o < size; o++) {
        const w0 = o * cols.stride;
        let p = rowBase + cols.starts[o] * 4;
        let r = 0;
        let g = 0;
        let b = 0;
        for (let k = 0, n = cols.counts[o]; k < n; k++, p += 4) {
          const w = cols.weights[w0 + k];
          const a = data[p + 3];
          if (a === 255) {
            r += w * data[p];
            g += w * data[p + 1];
            b += w * data[p + 2];
          } else {
            const t = a / 255;
            r += w * (255 + (data[p] - 255) * t);
            g += w * (255 + (data[p + 1] - 255) * t);
            b += w * (255 + (data[p + 2] - 255) * t);
          }
        }
        scratch[outBase + o * 3] = r;
        scratch[outBase + o * 3 + 1] = g;
        scratch[outBase + o * 3 + 2] = b;
      }
    }

    // Pass 2: resample columns, normalise, and store in the model's layout and channel order.
    const nchw = this.input.layout === 'NCHW';
    const bgr = this.input.channels === 'BGR';
    const plane = size * size;
    const base = index * perImage;
    for (let oy = 0; oy < size; oy++) {
      const w0 = oy * rows.stride;
      const first = rows.starts[oy] - firstRow;
      const n = rows.counts[oy];
      for (let ox = 0; ox < size; ox++) {
        for (let c = 0; c < 3; c++) {
          let v = 0;
          let p = first * size * 3 + ox * 3 + c;
          for (let k = 0; k < n; k++, p += size * 3) v += rows.weights[w0 + k] * scratch[p];
          const channel = bgr ? 2 - c : c;
          const at = nchw
            ? base + channel * plane + oy * size + ox
            : base + (oy * size + ox) * 3 + channel;
          out[at] = v * this.#scale[channel] + this.#offset[channel];
        }
      }
    }
  }
}
