/**
 * `npx tsx scripts/demo-set/fetch-demo-set.ts [--base URL] [--cache DIR]`: downloads the demo
 * photo set (CC0, alexeygrigorev/clothing-dataset at the pinned commit) into a cache folder,
 * each photo resumable and checked against the manifest's size and sha256, and writes its
 * images.csv beside. `npm start` calls it when ../shared is not there. A second run fetches
 * nothing; an interrupted one resumes (verified photos stay, a partial one continues by Range).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProgressBar } from '../lib/progress.ts';
import { downloadFile } from '../lib/download-file.ts';
import {
  DEFAULT_BASE,
  photosOf,
  photoUrl,
  readManifest,
  type DemoPhoto,
  type DemoSetManifest,
} from './demo-set-manifest.ts';

export const DEFAULT_CACHE = resolve(import.meta.dirname, '../../.cache/demo-set');

export interface DemoSetOptions {
  /** Where the repository's files are served (tests: a local server); $LOOKALIKE_DEMO_BASE. */
  base?: string;
  /** Parent folder of the set's own folder (default .cache/demo-set). */
  cache?: string;
  manifest?: DemoSetManifest;
  /** Parallel downloads. */
  parallel?: number;
  attempts?: number;
  log?: (line: string) => void;
}

export interface DemoSet {
  images: string;
  meta: string;
  downloaded: number;
  bytes: number;
}

/** Thrown when the set cannot be fetched (no network, a server error, a bad file). */
export class DemoSetError extends Error {
  override name = 'DemoSetError';
}

const DONE_FILE = 'complete.json';

/** Runs `job` over `items` with `parallel` workers; the first error stops new jobs. */
async function eachParallel<T>(items: T[], parallel: number, job: (item: T) => Promise<void>) {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await job(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

function offlineHelp(cause: unknown, folder: string): DemoSetError {
  return new DemoSetError(
    `Could not download the demo photos (${(cause as Error).message}).\n` +
      `Photos fetched so far are kept in ${folder}; the next \`npm start\` resumes.\n` +
      'Without network, point npm start at a folder of product photos:\n' +
      '  npm start -- --images DIR [--meta FILE]   (or set LOOKALIKE_IMAGES)',
    { cause },
  );
}

export async function fetchDemoSet(options: DemoSetOptions = {}): Promise<DemoSet> {
  const manifest = options.manifest ?? readManifest();
  const base = options.base ?? process.env.LOOKALIKE_DEMO_BASE ?? DEFAULT_BASE;
  const folder = join(options.cache ?? DEFAULT_CACHE, `clothing-${manifest.commit.slice(0, 12)}`);
  const images = join(folder, 'images');
  const meta = join(folder, 'images.csv');
  const done = join(folder, DONE_FILE);
  const result = { images, meta, downloaded: 0, bytes: 0 };
  // Verified on an earlier run: nothing to fetch or hash again.
  if (existsSync(done) && readFileSync(done, 'utf8').includes(manifest.commit)) return result;
  mkdirSync(images, { recursive: true });
  const photos = photosOf(manifest);
  const total = photos.reduce((sum, p) => sum + p.bytes, 0);
  options.log?.(
    `demo set: ${photos.length} photos (${(total / 1e6).toFixed(0)} MB) from ${base}/${manifest.repo} at ${manifest.commit.slice(0, 12)}`,
  );
  const bar = new ProgressBar('demo set', photos.length, 'photos');
  const one = async (photo: DemoPhoto) => {
    const got = await downloadFile(
      photoUrl(base, manifest, photo.name),
      join(images, photo.name),
      photo,
      {
        attempts: options.attempts,
        log: options.log,
      },
    );
    if (!got.skipped) result.downloaded++;
    result.bytes += got.skipped ? 0 : got.bytes;
    bar.tick();
  };
  try {
    await eachParallel(photos, options.parallel ?? 8, one);
  } catch (error) {
    bar.finish();
    throw offlineHelp(error, folder);
  }
  bar.finish();
  writeFileSync(`${meta}.tmp`, manifest.csv);
  renameSync(`${meta}.tmp`, meta);
  writeFileSync(
    done,
    JSON.stringify({ repo: manifest.repo, commit: manifest.commit, photos: photos.length }) + '\n',
  );
  return result;
}

if (process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({
    options: { base: { type: 'string' }, cache: { type: 'string' } },
  });
  try {
    const set = await fetchDemoSet({
      base: values.base,
      cache: values.cache && resolve(values.cache),
      log: (line) => console.log(line),
    });
    console.log(
      `demo set: ${set.downloaded} photos downloaded (${(set.bytes / 1e6).toFixed(1)} MB) into ${set.images}`,
    );
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
