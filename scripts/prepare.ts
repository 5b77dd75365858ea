/**
 * The main job, step by step: find the catalog photos (fetching the demo set on a first run
 * without ../shared), build the default model and the demo catalog when missing (both steps skip
 * work already done), build the app, and optionally serve it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fetchDemoSet } from './demo-set/fetch-demo-set.ts';

export interface PrepareOptions {
  /** Serve the built app at http://127.0.0.1:4173 afterwards (until interrupted). */
  serve: boolean;
  /**
   * Folder of catalog photos; defaults to $LOOKALIKE_IMAGES, the shared clothing set, or the
   * demo set fetched into .cache/demo-set.
   */
  images?: string;
  /** Metadata CSV/JSON; defaults to $LOOKALIKE_META, or images.csv beside the shared images. */
  meta?: string;
  /** Port to serve on (default 4173). */
  port?: number;
}

const root = resolve(import.meta.dirname, '..');
const defaultImages = resolve(root, '../shared/datasets/clothing/images');

function run(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code, signal) =>
      code === 0 ? done() : fail(new Error(`${args.join(' ')} failed (${signal ?? code})`)),
    );
  });
}

const tsx = (script: string, ...args: string[]) =>
  run([resolve(root, 'node_modules/tsx/dist/cli.mjs'), resolve(root, script), ...args]);

/**
 * The catalog photos and their metadata: the ones asked for, else the shared clothing set beside
 * the project, else the same set fetched once into .cache/demo-set (a first run anywhere).
 */
async function catalogPhotos(options: PrepareOptions): Promise<{ images: string; meta?: string }> {
  const asked = options.images ?? process.env.LOOKALIKE_IMAGES;
  const meta = options.meta ?? process.env.LOOKALIKE_META;
  if (!asked && !existsSync(defaultImages)) {
    console.log(`No ${defaultImages}: fetching the CC0 demo set instead.`);
    const set = await fetchDemoSet({ log: (line) => console.log(line) });
    return { images: set.images, meta: meta ?? set.meta };
  }
  const images = resolve(asked ?? defaultImages);
  if (!existsSync(images)) {
    throw new Error(
      `No catalog photos at ${images}.\n` +
        'Pass a folder of product photos: npm start -- --images DIR [--meta FILE]\n' +
        '(or set LOOKALIKE_IMAGES).',
    );
  }
  const defaultMeta = resolve(images, '../images.csv');
  return { images, meta: meta ?? (existsSync(defaultMeta) ? defaultMeta : undefined) };
}

export async function prepare(options: PrepareOptions): Promise<void> {
  const { images, meta } = await catalogPhotos(options);
  const metaArgs = meta ? ['--meta', meta] : [];

  await tsx('scripts/wasm/build-kernel.ts');
  await tsx('scripts/models/build-models.ts');
  await tsx('scripts/catalog/build-catalog.ts', '--images', images, ...metaArgs);
  await run([resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
  if (options.serve) {
    await run([
      resolve(root, 'node_modules/vite/bin/vite.js'),
      'preview',
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port ?? 4173),
      '--strictPort',
    ]);
  }
}
