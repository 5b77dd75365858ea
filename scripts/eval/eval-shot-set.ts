/**
 * `npm run eval`'s instance set: the sampled catalog photos (the same sample training keeps out
 * of its instance loss), each turned into one evaluation-only shot (eval-only-shots.ts) from its
 * own seed stream. Shots are kept on disk, keyed by the generator's source, so runs repeat fast.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabelledPhoto } from '../lib/dataset.ts';
import type { PhotoSource } from '../lib/photo-source.ts';
import { makeEvalShot } from './eval-only-shots.ts';
import { instancePicks, type InstanceSet } from '../lib/instance-queries.ts';
import { deriveSeed, seededRandom } from '../lib/seeded-random.ts';

/** A sideways shot's upright twin is kept beside it under this name. */
const UPRIGHT_SUFFIX = '-upright.jpg';

/** Seed namespace of evaluation shots: no other generator draws from it. */
const STREAM = 'eval-only-shot';

/** A version of the generator's code: a changed generator makes new shots. */
function generatorVersion(): string {
  const hash = createHash('sha256');
  for (const file of ['eval-only-shots.ts', 'eval-shot-pixels.ts']) {
    hash.update(readFileSync(join(import.meta.dirname, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

export function evalShotSet(
  catalog: readonly LabelledPhoto[],
  count: number,
  seed: number,
  cache: string,
): InstanceSet {
  const picks = instancePicks(catalog, count, seed);
  const dir = join(cache, `eval-shots-${generatorVersion()}`);
  const effects: string[][] = picks.map(() => []);
  const fileOf = (q: number) => join(dir, `${catalog[picks[q]].id}-${seed}`);
  const make = async (q: number): Promise<Uint8Array> => {
    const photo = catalog[picks[q]];
    const file = fileOf(q);
    if (existsSync(`${file}.jpg`) && existsSync(`${file}.json`)) {
      effects[q] = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as string[];
      return new Uint8Array(readFileSync(`${file}.jpg`));
    }
    const random = seededRandom(deriveSeed(seed, `${STREAM}:${photo.id}`));
    const shot = await makeEvalShot(await readFile(photo.path), random);
    mkdirSync(dir, { recursive: true });
    // The twin first: a shot on disk always has its twin beside it.
    if (shot.upright) writeFileSync(`${file}${UPRIGHT_SUFFIX}`, shot.upright);
    writeFileSync(`${file}.jpg`, shot.jpeg);
    writeFileSync(`${file}.json`, JSON.stringify(shot.effects));
    effects[q] = shot.effects;
    return new Uint8Array(shot.jpeg);
  };
  const uprightTwin = (q: number): PhotoSource | null => {
    const twin = `${fileOf(q)}${UPRIGHT_SUFFIX}`;
    if (!existsSync(twin)) return null;
    return { load: async () => new Uint8Array(await readFile(twin)) };
  };
  return {
    originals: picks,
    queries: picks.map((_, q) => ({ load: () => make(q) })),
    effects,
    uprightTwin,
  };
}
