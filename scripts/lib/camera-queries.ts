/**
 * Turns a catalog photo into a shopper-style photo of the same product, with a seeded mix of
 * camera effects: off-centre crop, tilt, exposure and colour cast, blur, sensor noise, rescale,
 * JPEG recompression, and sometimes sideways pixels with an EXIF orientation tag.
 */
import sharp, { type Sharp } from 'sharp';
import { gaussian, uniform, type Random } from './seeded-random.ts';

export interface CameraQuery {
  /** The JPEG a shopper's phone might produce. */
  jpeg: Buffer;
  /** What was done, in order (for logs and per-effect breakdowns). */
  effects: string[];
  /** EXIF orientation written (1 = upright pixels). */
  orientation: number;
}

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

/** Stored pixels are turned by this many degrees clockwise; the tag turns them back. */
const ORIENTATION_BY_TURN: Record<number, number> = { 90: 8, 180: 3, 270: 6 };

/** Makes one camera-style query from photo bytes; the same bytes and random stream give the same JPEG. */
export async function makeCameraQuery(bytes: Buffer, random: Random): Promise<CameraQuery> {
  const effects: string[] = [];
  let raw = await rawOf(sharp(bytes).rotate());
  const { width, height } = raw;

  // Tilt: a hand-held phone is rarely level. Grey fill is mostly cropped away below.
  const angle = uniform(random, -12, 12);
  raw = await rawOf(fromRaw(raw).rotate(angle, { background: { r: 128, g: 128, b: 128 } }));
  effects.push(`tilt ${angle.toFixed(1)}°`);

  // Off-centre crop inside the original frame (centred on the rotated canvas).
  const scale = uniform(random, 0.65, 0.95);
  const cropW = Math.round(width * scale);
  const cropH = Math.round(height * scale);
  const frameLeft = (raw.width - width) / 2;
  const frameTop = (raw.height - height) / 2;
  const left = Math.round(frameLeft + random() * (width - cropW));
  const top = Math.round(frameTop + random() * (height - cropH));
  raw = await rawOf(fromRaw(raw).extract({ left, top, width: cropW, height: cropH }));
  effects.push(`crop ${Math.round(scale * 100)}%`);

  // Rescale: phones and messengers resize; short side between 160 and 480 px.
  const side = Math.round(uniform(random, 160, 480));
  raw = await rawOf(fromRaw(raw).resize({ width: side, height: side, fit: 'outside' }));
  effects.push(`rescale ${side}px`);

  // Exposure and colour cast (white balance): a per-channel gain around a shared exposure.
  const exposure = uniform(random, 0.7, 1.3);
  const gains = [0, 1, 2].map(() => exposure * uniform(random, 0.9, 1.1));
  const offset = uniform(random, -20, 20);
  raw = await rawOf(fromRaw(raw).linear(gains, [offset, offset, offset]));
  effects.push(`exposure ${exposure.toFixed(2)}`);

  if (random() < 0.5) {
    const sigma = uniform(random, 0.6, 2);
    raw = await rawOf(fromRaw(raw).blur(sigma));
    effects.push(`blur ${sigma.toFixed(1)}`);
  }

  // Sensor noise, added in JS because sharp has no seeded noise source.
  const noise = uniform(random, 2, 10);
  for (let i = 0; i < raw.data.length; i++) {
    raw.data[i] = Math.min(255, Math.max(0, Math.round(raw.data[i] + noise * gaussian(random))));
  }
  effects.push(`noise ${noise.toFixed(1)}`);

  let image = fromRaw(raw);
  let orientation = 1;
  if (random() < 0.25) {
    const turn = [90, 180, 270][Math.floor(random() * 3)];
    orientation = ORIENTATION_BY_TURN[turn];
    image = sharp(await image.rotate(turn).raw().toBuffer(), {
      raw: turn === 180 ? { ...rawSize(raw), channels: 3 } : { ...swapped(raw), channels: 3 },
    }).withMetadata({ orientation });
    effects.push(`exif orientation ${orientation}`);
  }
  const quality = Math.round(uniform(random, 55, 90));
  effects.push(`jpeg q${quality}`);
  return { jpeg: await image.jpeg({ quality }).toBuffer(), effects, orientation };
}

const rawSize = (raw: Raw) => ({ width: raw.width, height: raw.height });
const swapped = (raw: Raw) => ({ width: raw.height, height: raw.width });
