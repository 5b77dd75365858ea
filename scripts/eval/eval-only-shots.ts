/**
 * The evaluation-only camera-shot generator: turns a catalog photo into a shopper's phone shot
 * of the same item, with its own distortion family and seed streams. Training and model
 * selection never call it (scripts/train/camera-views.ts and camera-queries.ts are theirs), so
 * `npm run eval`'s instance recall cannot be tuned to it; eval-only-shots.test.ts checks that no
 * module under scripts/train reaches this file.
 */
import sharp, { type Sharp } from 'sharp';
import {
  addSensorNoise,
  discKernel,
  handSvg,
  motionKernel,
  perspectiveWarp,
  tagSvg,
  type Rgb,
  type RgbImage,
} from './eval-shot-pixels.ts';
import { uniform, type Random } from '../lib/seeded-random.ts';

/** What a shot can go through; every shot is cropped and JPEG-compressed, the rest by chance. */
export const SHOT_KINDS = [
  'perspective',
  'crop',
  'rotation',
  'colour',
  'motion-blur',
  'defocus',
  'noise',
  'rescale',
  'occlusion',
  'sideways',
  'jpeg',
] as const;
export type ShotKind = (typeof SHOT_KINDS)[number];

export interface EvalShot {
  /** The JPEG a phone might store. */
  jpeg: Buffer;
  /** The kinds applied, in order. */
  kinds: ShotKind[];
  /** One line per kind, `<kind> <settings>` (for logs). */
  effects: string[];
  /** EXIF orientation written (1 = upright pixels). */
  orientation: number;
  /**
   * For a sideways shot, the same pixels stored upright at the same JPEG quality: searched as
   * well, it isolates what storing the shot sideways costs (a paired decoder check).
   */
  upright?: Buffer;
}

const rawOf = async (image: Sharp): Promise<RgbImage> => {
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};
const sharpOf = (image: RgbImage) =>
  sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });

/** Border fills a rotated or warped frame shows: a dark or light surface, or the photo's mean. */
function borderFill(image: RgbImage, random: Random): Rgb {
  const pick = Math.floor(random() * 4);
  if (pick === 0) return [15, 15, 15];
  if (pick === 1) return [240, 240, 240];
  if (pick === 2) return [128, 128, 128];
  const sum = [0, 0, 0];
  for (let p = 0; p < image.data.length; p++) sum[p % 3] += image.data[p];
  const n = image.data.length / 3;
  return [sum[0] / n, sum[1] / n, sum[2] / n].map(Math.round) as Rgb;
}

type Step = (image: RgbImage, random: Random) => Promise<[RgbImage, string]>;

const STEPS: Record<Exclude<ShotKind, 'sideways' | 'jpeg'>, Step> = {
  async perspective(image, random) {
    const strength = uniform(random, 0.03, 0.1);
    const warped = perspectiveWarp(image, random, strength, borderFill(image, random));
    return [warped, `corners moved up to ${Math.round(strength * 100)}%`];
  },
  async rotation(image, random) {
    const angle = uniform(random, -15, 15);
    const [r, g, b] = borderFill(image, random);
    const turned = await rawOf(sharpOf(image).rotate(angle, { background: { r, g, b } }));
    // Back to the original frame: the corners show the fill.
    const left = Math.floor((turned.width - image.width) / 2);
    const top = Math.floor((turned.height - image.height) / 2);
    const framed = await rawOf(
      sharpOf(turned).extract({ left, top, width: image.width, height: image.height }),
    );
    return [framed, `${angle.toFixed(1)}°`];
  },
  async crop(image, random) {
    const side = uniform(random, 0.55, 0.95);
    const width = Math.max(16, Math.round(image.width * side));
    const height = Math.max(16, Math.round(image.height * side));
    const left = Math.floor(random() * (image.width - width + 1));
    const top = Math.floor(random() * (image.height - height + 1));
    const cropped = await rawOf(sharpOf(image).extract({ left, top, width, height }));
    return [cropped, `${Math.round(side * 100)}% at ${left},${top}`];
  },
  async occlusion(image, random) {
    const hand = random() < 0.5;
    const svg = hand
      ? handSvg(image.width, image.height, random, uniform(random, 0.25, 0.45))
      : tagSvg(image.width, image.height, random, uniform(random, 0.1, 0.2));
    const covered = await rawOf(sharpOf(image).composite([{ input: Buffer.from(svg) }]));
    return [covered, hand ? 'hand' : 'tag'];
  },
  async 'motion-blur'(image, random) {
    const length = uniform(random, 3, 9);
    const angle = uniform(random, 0, Math.PI);
    const { size, kernel } = motionKernel(length, angle);
    const blurred = await rawOf(sharpOf(image).convolve({ width: size, height: size, kernel }));
    return [blurred, `${length.toFixed(1)}px`];
  },
  async defocus(image, random) {
    const radius = uniform(random, 1, 3.5);
    const { size, kernel } = discKernel(radius);
    const blurred = await rawOf(sharpOf(image).convolve({ width: size, height: size, kernel }));
    return [blurred, `disc ${radius.toFixed(1)}px`];
  },
  async colour(image, random) {
    const warmth = uniform(random, -0.18, 0.18);
    const exposure = uniform(random, 0.6, 1.45);
    const saturation = uniform(random, 0.5, 1.5);
    const gains = [1 + warmth, 1, 1 - warmth].map((g) => g * exposure);
    const lit = await rawOf(sharpOf(image).linear(gains, [0, 0, 0]));
    const shifted = await rawOf(sharpOf(lit).modulate({ saturation }));
    return [
      shifted,
      `warmth ${warmth.toFixed(2)} exposure ${exposure.toFixed(2)} saturation ${saturation.toFixed(2)}`,
    ];
  },
  async noise(image, random) {
    const sigma = uniform(random, 2, 10);
    addSensorNoise(image, random, sigma);
    return [image, `sigma ${sigma.toFixed(1)}`];
  },
  async rescale(image, random) {
    const factor = uniform(random, 0.4, 0.8);
    const small = await rawOf(
      sharpOf(image).resize(
        Math.max(8, Math.round(image.width * factor)),
        Math.max(8, Math.round(image.height * factor)),
        { fit: 'fill' },
      ),
    );
    const back = await rawOf(
      sharpOf(small).resize(image.width, image.height, { fit: 'fill', kernel: 'cubic' }),
    );
    return [back, `down to ${Math.round(factor * 100)}% and back`];
  },
};

/** Chance that a shot goes through each optional kind (crop and JPEG always happen). */
const CHANCE = {
  perspective: 0.4,
  rotation: 0.5,
  occlusion: 0.3,
  motionBlur: 0.25,
  defocus: 0.25,
  colour: 0.6,
  noise: 0.5,
  rescale: 0.4,
};

/** The optional kinds of one shot, in the order a phone meets them. */
function planShot(random: Random): Exclude<ShotKind, 'sideways' | 'jpeg'>[] {
  const plan: Exclude<ShotKind, 'sideways' | 'jpeg'>[] = [];
  if (random() < CHANCE.perspective) plan.push('perspective');
  if (random() < CHANCE.rotation) plan.push('rotation');
  plan.push('crop');
  if (random() < CHANCE.occlusion) plan.push('occlusion');
  const blur = random();
  if (blur < CHANCE.motionBlur) plan.push('motion-blur');
  else if (blur < CHANCE.motionBlur + CHANCE.defocus) plan.push('defocus');
  if (random() < CHANCE.colour) plan.push('colour');
  if (random() < CHANCE.noise) plan.push('noise');
  if (random() < CHANCE.rescale) plan.push('rescale');
  return plan;
}

/** Stored pixels turned this many degrees clockwise need this EXIF tag to stand upright. */
const ORIENTATION_FOR_TURN: Record<number, number> = { 90: 8, 270: 6 };

/** One evaluation shot of a photo; the same bytes and random stream give the same JPEG. */
export async function makeEvalShot(bytes: Buffer, random: Random): Promise<EvalShot> {
  let image = await rawOf(sharp(bytes).rotate());
  const kinds: ShotKind[] = [];
  const effects: string[] = [];
  for (const kind of planShot(random)) {
    const [next, settings] = await STEPS[kind](image, random);
    image = next;
    kinds.push(kind);
    effects.push(`${kind} ${settings}`);
  }
  let out = sharpOf(image);
  let orientation = 1;
  // A quarter of shots: the phone stores the pixels sideways and says so in the EXIF tag.
  if (random() < 0.25) {
    const turn = random() < 0.5 ? 90 : 270;
    orientation = ORIENTATION_FOR_TURN[turn];
    const turned = await rawOf(out.rotate(turn));
    out = sharpOf(turned).withMetadata({ orientation });
    kinds.push('sideways');
    effects.push(`sideways turned ${turn}°, EXIF orientation ${orientation}`);
  }
  const quality = Math.round(uniform(random, 40, 85));
  kinds.push('jpeg');
  effects.push(`jpeg q${quality}`);
  const jpeg = await out.jpeg({ quality }).toBuffer();
  if (orientation === 1) return { jpeg, kinds, effects, orientation };
  // A new pipeline: a Sharp instance keeps the rotation set on it above.
  const upright = await sharpOf(image).jpeg({ quality }).toBuffer();
  return { jpeg, kinds, effects, orientation, upright };
}
