/**
 * A broader training-side family of camera views than camera-queries.ts, for learning the
 * whitening from more kinds of damage: tighter crops anywhere in the frame, a skew, stronger and
 * directional blur, down- then up-scaling, saturation shifts and a blotted-out patch, each drawn
 * from its own seeded stream. Training and model selection only; the evaluation never uses it.
 */
import sharp, { type Sharp } from 'sharp';
import { gaussian, uniform, type Random } from './seeded-random.ts';

interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

const rawOf = (image: Sharp): Promise<Raw> =>
  image
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .then(({ data, info }) => ({ data, width: info.width, height: info.height }));

const fromRaw = (raw: Raw) =>
  sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } });

/** A line kernel of odd length `size` at `angle` radians: a hand's shake during the exposure. */
function streakKernel(size: number, angle: number): number[] {
  const kernel = new Array<number>(size * size).fill(0);
  const c = (size - 1) / 2;
  for (let t = -c; t <= c; t += 0.25) {
    const x = Math.round(c + t * Math.cos(angle));
    const y = Math.round(c + t * Math.sin(angle));
    kernel[y * size + x] = 1;
  }
  return kernel;
}

/** One broad view of photo bytes (upright JPEG); the same bytes and stream give the same JPEG. */
export async function makeBroadView(bytes: Buffer, random: Random): Promise<Buffer> {
  let raw = await rawOf(sharp(bytes).rotate());
  const { width, height } = raw;

  // Tilt up to ±15°, filled with a flat colour the crop mostly removes.
  const angle = uniform(random, -15, 15);
  const fill = Math.round(uniform(random, 40, 220));
  raw = await rawOf(fromRaw(raw).rotate(angle, { background: { r: fill, g: fill, b: fill } }));

  // Crop 55–95% of each side, anywhere inside the original frame, sides drawn apart.
  const sx = uniform(random, 0.55, 0.95);
  const sy = Math.min(0.95, Math.max(0.55, sx * uniform(random, 0.85, 1.15)));
  const cropW = Math.round(width * sx);
  const cropH = Math.round(height * sy);
  const left = Math.round((raw.width - width) / 2 + random() * (width - cropW));
  const top = Math.round((raw.height - height) / 2 + random() * (height - cropH));
  raw = await rawOf(fromRaw(raw).extract({ left, top, width: cropW, height: cropH }));

  // A skew (a phone not parallel to the garment), half the time.
  if (random() < 0.5) {
    const kx = uniform(random, -0.12, 0.12);
    const ky = uniform(random, -0.12, 0.12);
    raw = await rawOf(
      fromRaw(raw).affine([1, kx, ky, 1], { background: { r: fill, g: fill, b: fill } }),
    );
  }

  // Down-scale to a short side of 96–400 px; then, half the time, back up to 300–500 px.
  const side = Math.round(uniform(random, 96, 400));
  raw = await rawOf(fromRaw(raw).resize({ width: side, height: side, fit: 'outside' }));
  if (random() < 0.5) {
    const up = Math.round(uniform(random, 300, 500));
    raw = await rawOf(fromRaw(raw).resize({ width: up, height: up, fit: 'outside' }));
  }

  // Exposure, white balance and saturation.
  const exposure = uniform(random, 0.6, 1.4);
  const gains = [0, 1, 2].map(() => exposure * uniform(random, 0.85, 1.15));
  const offset = uniform(random, -25, 25);
  raw = await rawOf(
    fromRaw(raw)
      .linear(gains, [offset, offset, offset])
      .modulate({ saturation: uniform(random, 0.6, 1.4) }),
  );

  // Blur: none, soft focus, or a shake streak.
  const blur = random();
  if (blur < 0.35) {
    raw = await rawOf(fromRaw(raw).blur(uniform(random, 0.8, 3.5)));
  } else if (blur < 0.6) {
    const size = 2 * Math.round(uniform(random, 2, 6)) + 1;
    const kernel = streakKernel(size, uniform(random, 0, Math.PI));
    const scale = kernel.reduce((a, b) => a + b, 0);
    raw = await rawOf(fromRaw(raw).convolve({ width: size, height: size, kernel, scale }));
  }

  // A patch blotted out (a finger, a label), a third of the time.
  if (random() < 0.33) {
    const pw = Math.round(raw.width * uniform(random, 0.1, 0.3));
    const ph = Math.round(raw.height * uniform(random, 0.1, 0.3));
    const px = Math.floor(random() * (raw.width - pw));
    const py = Math.floor(random() * (raw.height - ph));
    const colour = [0, 1, 2].map(() => Math.round(uniform(random, 0, 255)));
    for (let y = py; y < py + ph; y++) {
      for (let x = px; x < px + pw; x++) {
        for (let c = 0; c < 3; c++) raw.data[(y * raw.width + x) * 3 + c] = colour[c];
      }
    }
  }

  // Sensor noise, in JS because sharp has no seeded noise source.
  const noise = uniform(random, 0, 12);
  for (let i = 0; i < raw.data.length; i++) {
    raw.data[i] = Math.min(255, Math.max(0, Math.round(raw.data[i] + noise * gaussian(random))));
  }
  return fromRaw(raw)
    .jpeg({ quality: Math.round(uniform(random, 35, 90)) })
    .toBuffer();
}
