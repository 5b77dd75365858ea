/**
 * Pixel operations of the evaluation-only shot generator (eval-only-shots.ts) that sharp lacks:
 * a perspective warp, seeded sensor noise, blur kernels and occluder drawings. Evaluation only:
 * nothing under scripts/train may import this (eval-only-shots.test.ts walks the imports).
 */
import { gaussian, uniform, type Random } from '../lib/seeded-random.ts';

/** Interleaved RGB pixels. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

export type Rgb = [number, number, number];
type Point = [number, number];

/** Solves the 8 homography coefficients mapping `from[i]` to `to[i]` (Gaussian elimination). */
export function homography(from: readonly Point[], to: readonly Point[]): number[] {
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i];
    const [u, v] = to[i];
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let c = 0; c < 8; c++) {
    let pivot = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(rows[r][c]) > Math.abs(rows[pivot][c])) pivot = r;
    [rows[c], rows[pivot]] = [rows[pivot], rows[c]];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = rows[r][c] / rows[c][c];
      for (let k = c; k < 9; k++) rows[r][k] -= f * rows[c][k];
    }
  }
  return rows.map((row, i) => row[8] / row[i]);
}

/**
 * A phone held off-axis: each output corner looks at a source point moved inwards or outwards
 * by up to `strength` of the side, sampled bilinearly; outside the photo gets `fill`.
 */
export function perspectiveWarp(
  image: RgbImage,
  random: Random,
  strength: number,
  fill: Rgb,
): RgbImage {
  const { width: w, height: h, data } = image;
  const out: Point[] = [
    [0, 0],
    [w - 1, 0],
    [w - 1, h - 1],
    [0, h - 1],
  ];
  const src = out.map(([x, y]): Point => [
    x + uniform(random, -strength, strength) * w,
    y + uniform(random, -strength, strength) * h,
  ]);
  const m = homography(out, src);
  const result = Buffer.alloc(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = m[6] * x + m[7] * y + 1;
      const sx = (m[0] * x + m[1] * y + m[2]) / d;
      const sy = (m[3] * x + m[4] * y + m[5]) / d;
      const o = (y * w + x) * 3;
      if (sx < 0 || sy < 0 || sx > w - 1 || sy > h - 1) {
        result[o] = fill[0];
        result[o + 1] = fill[1];
        result[o + 2] = fill[2];
        continue;
      }
      const x0 = Math.min(w - 2, Math.floor(sx));
      const y0 = Math.min(h - 2, Math.floor(sy));
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 3; c++) {
        const at = (xx: number, yy: number) => data[(yy * w + xx) * 3 + c];
        const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
        const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
        result[o + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { data: result, width: w, height: h };
}

/** Sensor noise: per-pixel luminance noise plus weaker per-channel chroma noise, in place. */
export function addSensorNoise(image: RgbImage, random: Random, sigma: number): void {
  const { data } = image;
  for (let p = 0; p < data.length; p += 3) {
    const luma = sigma * gaussian(random);
    for (let c = 0; c < 3; c++) {
      const v = data[p + c] + luma + 0.4 * sigma * gaussian(random);
      data[p + c] = Math.min(255, Math.max(0, Math.round(v)));
    }
  }
}

/** A normalised line kernel (odd size) at `angle` radians: camera shake during exposure. */
export function motionKernel(length: number, angle: number): { size: number; kernel: number[] } {
  const size = 2 * Math.ceil(length / 2) + 1;
  const kernel = new Array<number>(size * size).fill(0);
  const c = (size - 1) / 2;
  for (let t = -length / 2; t <= length / 2; t += 0.25) {
    const x = Math.round(c + t * Math.cos(angle));
    const y = Math.round(c + t * Math.sin(angle));
    kernel[y * size + x] += 1;
  }
  const sum = kernel.reduce((a, b) => a + b, 0);
  return { size, kernel: kernel.map((k) => k / sum) };
}

/** A normalised disc kernel: an out-of-focus lens spreads a point into a disc, not a Gaussian. */
export function discKernel(radius: number): { size: number; kernel: number[] } {
  const r = Math.ceil(radius);
  const size = 2 * r + 1;
  const kernel: number[] = [];
  for (let y = -r; y <= r; y++) {
    for (let x = -r; x <= r; x++) kernel.push(x * x + y * y <= radius * radius + 0.5 ? 1 : 0);
  }
  const sum = kernel.reduce((a, b) => a + b, 0);
  return { size, kernel: kernel.map((k) => k / sum) };
}

const hex = ([r, g, b]: Rgb) => `rgb(${r},${g},${b})`;

/**
 * A hand entering the frame from the bottom or a side: a palm and four fingers in a skin tone,
 * as an SVG the size of the frame, covering roughly `cover` of its short side.
 */
export function handSvg(width: number, height: number, random: Random, cover: number): string {
  const tones: Rgb[] = [
    [224, 172, 138],
    [198, 134, 94],
    [141, 85, 54],
    [241, 194, 165],
  ];
  const tone = tones[Math.floor(random() * tones.length)];
  const s = cover * Math.min(width, height);
  const cx = uniform(random, 0.2, 0.8) * width;
  const fingers = [0, 1, 2, 3]
    .map((i) => {
      const x = cx - s * 0.45 + i * s * 0.3;
      const len = s * uniform(random, 0.55, 0.8);
      return `<rect x="${x.toFixed(1)}" y="${(height - s * 0.6 - len).toFixed(1)}" width="${(s * 0.22).toFixed(1)}" height="${(len + s * 0.3).toFixed(1)}" rx="${(s * 0.11).toFixed(1)}"/>`;
    })
    .join('');
  const palm = `<ellipse cx="${cx.toFixed(1)}" cy="${(height - s * 0.15).toFixed(1)}" rx="${(s * 0.6).toFixed(1)}" ry="${(s * 0.55).toFixed(1)}"/>`;
  // Rotating the group about the centre brings the hand in from a side instead of the bottom.
  const turn = [0, 90, -90][Math.floor(random() * 3)];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<g fill="${hex(tone)}" transform="rotate(${turn} ${width / 2} ${height / 2})">${fingers}${palm}</g></svg>`
  );
}

/** A price tag: a light card with a hole and a few dark print lines, somewhere on the photo. */
export function tagSvg(width: number, height: number, random: Random, side: number): string {
  const w = side * Math.min(width, height);
  const h = w * uniform(random, 1.3, 1.8);
  const x = uniform(random, 0.1, 0.9) * width - w / 2;
  const y = uniform(random, 0.1, 0.9) * height - h / 2;
  const angle = uniform(random, -30, 30);
  const card: Rgb = random() < 0.5 ? [245, 245, 240] : [232, 220, 190];
  const lines = [0.45, 0.6, 0.75]
    .map(
      (f) =>
        `<rect x="${(x + w * 0.15).toFixed(1)}" y="${(y + h * f).toFixed(1)}" width="${(w * uniform(random, 0.4, 0.7)).toFixed(1)}" height="${(h * 0.06).toFixed(1)}" fill="rgb(30,30,30)"/>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<g transform="rotate(${angle.toFixed(1)} ${(x + w / 2).toFixed(1)} ${(y + h / 2).toFixed(1)})">` +
    `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${hex(card)}"/>` +
    `<circle cx="${(x + w / 2).toFixed(1)}" cy="${(y + h * 0.15).toFixed(1)}" r="${(w * 0.08).toFixed(1)}" fill="rgb(90,90,90)"/>${lines}</g></svg>`
  );
}
