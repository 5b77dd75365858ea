import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeEvalShot, SHOT_KINDS } from './eval-only-shots.ts';
import { seededRandom } from '../lib/seeded-random.ts';

const scripts = resolve(import.meta.dirname, '..');
const photo = readFileSync(
  resolve(
    import.meta.dirname,
    '../../../shared/datasets/clothing/images/ea7b6656-3f84-4eb3-9099-23e623fc1018.jpg',
  ),
);

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every local module a file reaches through static, re-export and dynamic imports. */
function reachable(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const specifiers = text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.[^'"]+)['"]/g);
    for (const [, specifier] of specifiers) todo.push(resolve(dirname(file), specifier));
  }
  return seen;
}

const evaluationOnly = ['eval-only-shots.ts', 'eval-shot-pixels.ts', 'eval-shot-set.ts'].map((f) =>
  resolve(import.meta.dirname, f),
);

describe('the evaluation-only generator stays out of training', () => {
  it('is reached by npm run eval (the walk follows imports)', () => {
    const fromEval = reachable([resolve(import.meta.dirname, 'run-eval.ts')]);
    for (const file of evaluationOnly) expect(fromEval).toContain(file);
  });

  it('is not reached from training or model selection', () => {
    const train = [
      ...sources(join(scripts, 'train')),
      join(scripts, 'validate-descriptors.ts'),
      join(scripts, 'validate-rerank.ts'),
      join(scripts, 'validate-instance-whitening.ts'),
      join(scripts, 'models', 'learn-whitening.ts'),
    ];
    expect(train.length).toBeGreaterThan(5);
    const fromTrain = reachable(train);
    // The walk does leave scripts/train: training reaches its own generator in scripts/lib.
    expect(fromTrain).toContain(join(scripts, 'lib', 'camera-queries.ts'));
    expect(fromTrain).toContain(join(scripts, 'lib', 'broad-camera-views.ts'));
    for (const file of evaluationOnly) expect(fromTrain).not.toContain(file);
  });
});

describe('makeEvalShot on a real photo', () => {
  it('gives the same JPEG for the same seed and another for another seed', async () => {
    const a = await makeEvalShot(photo, seededRandom(3));
    const b = await makeEvalShot(photo, seededRandom(3));
    const c = await makeEvalShot(photo, seededRandom(4));
    expect(Buffer.compare(a.jpeg, b.jpeg)).toBe(0);
    expect(a.effects).toEqual(b.effects);
    expect(Buffer.compare(a.jpeg, c.jpeg)).not.toBe(0);
  });

  it('crops and compresses every shot, and draws every kind over 40 seeds', async () => {
    const seen = new Set<string>();
    let sideways = 0;
    for (let seed = 0; seed < 40; seed++) {
      const shot = await makeEvalShot(photo, seededRandom(seed));
      expect(shot.kinds).toContain('crop');
      expect(shot.kinds.at(-1)).toBe('jpeg');
      expect(shot.effects.map((e) => e.split(' ')[0])).toEqual(shot.kinds);
      const quality = Number(/q(\d+)/.exec(shot.effects.at(-1)!)![1]);
      expect(quality).toBeGreaterThanOrEqual(40);
      expect(quality).toBeLessThanOrEqual(85);
      for (const kind of shot.kinds) seen.add(kind);
      if (shot.orientation !== 1) sideways++;
    }
    expect([...seen].sort()).toEqual([...SHOT_KINDS].sort());
    // About a quarter stored sideways (binomial: 10 expected of 40).
    expect(sideways).toBeGreaterThanOrEqual(4);
    expect(sideways).toBeLessThanOrEqual(18);
  });

  it('stores sideways pixels whose EXIF tag turns them upright again', async () => {
    let seed = 0;
    let shot = await makeEvalShot(photo, seededRandom(seed));
    while (shot.orientation === 1) shot = await makeEvalShot(photo, seededRandom(++seed));
    const meta = await sharp(shot.jpeg).metadata();
    expect(meta.orientation).toBe(shot.orientation);
    expect([6, 8]).toContain(shot.orientation);
    const tiny = (image: Sharp) =>
      image.resize(12, 16, { fit: 'fill' }).greyscale().raw().toBuffer();
    const upright = await tiny(sharp(shot.jpeg).rotate());
    const ignored = await tiny(sharp(shot.jpeg).rotate(0));
    const original = await tiny(sharp(photo).rotate());
    const distance = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0);
    expect(distance(upright, original)).toBeLessThan(distance(ignored, original));
    // Its twin holds the same picture stored upright (no tag), for the paired decoder check.
    const twin = await tiny(sharp(shot.upright!).rotate());
    expect((await sharp(shot.upright!).metadata()).orientation ?? 1).toBe(1);
    expect(distance(twin, upright)).toBeLessThan(distance(ignored, original) / 10);
  });

  it('an upright shot has no twin', async () => {
    let seed = 0;
    let shot = await makeEvalShot(photo, seededRandom(seed));
    while (shot.orientation !== 1) shot = await makeEvalShot(photo, seededRandom(++seed));
    expect(shot.upright).toBeUndefined();
  });
});
