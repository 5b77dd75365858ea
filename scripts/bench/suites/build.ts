/**
 * The build suite: catalog build throughput as a whole process — `npm run catalog` on a fixed
 * subset of the shared photos (the first 1,000 names in sorted order, hard-linked into a temp dir)
 * with the default model, a fresh cache and a fresh output dir — in images per second of wall
 * time, from process start (Node, tsx, model load) to exit.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_MODEL_IDS } from '../../../src/shared/model/default-models.ts';
import { suiteSection, table } from '../markdown-report.ts';
import { photosDir, root } from '../paths.ts';
import { round } from '../stats.ts';
import type { BenchSuite, Machine, SuiteOptions, SuiteReport } from '../types.ts';

function npmRunCatalog(args: string[]): Promise<{ output: string; seconds: number }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn('npm', ['run', '-s', 'catalog', '--', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) done({ output, seconds });
      else fail(new Error(`npm run catalog exited ${code}:\n${output.slice(-2000)}`));
    });
  });
}

async function run(options: SuiteOptions): Promise<SuiteReport> {
  const { log, quick } = options;
  const count = quick ? 100 : 1000;
  const names = readdirSync(photosDir)
    .filter((name) => /\.(jpe?g|png|webp)$/i.test(name))
    .sort()
    .slice(0, count);
  const dir = mkdtempSync(join(tmpdir(), 'bench-build-'));
  try {
    const images = join(dir, 'images');
    linkPhotos(names, images);
    const meta = resolve(photosDir, '../images.csv');
    const { output, seconds } = await npmRunCatalog([
      '--images',
      images,
      '--meta',
      meta,
      '--out',
      join(dir, 'out'),
      '--cache',
      join(dir, 'cache'),
    ]);
    const build: BuildRun = {
      photos: names.length,
      seconds,
      inner: Number(/throughput: ([\d.]+) images\/s/.exec(output)?.[1] ?? NaN),
      kept: Number(/catalog: (\d+) photos/.exec(output)?.[1] ?? names.length),
    };
    log(
      `  ${names.length} photos in ${round(seconds)} s: ${round(names.length / seconds)} images/s whole process (${build.inner} images/s inside the build)`,
    );
    return buildReport(build, options.machine);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The subset in a folder of its own: hard links, or copies across file systems. */
function linkPhotos(names: string[], folder: string): void {
  mkdirSync(folder);
  for (const name of names) {
    try {
      linkSync(join(photosDir, name), join(folder, name));
    } catch {
      copyFileSync(join(photosDir, name), join(folder, name));
    }
  }
}

interface BuildRun {
  photos: number;
  /** Wall time of the whole process. */
  seconds: number;
  /** The build's own images/s for its decode + thumbnail + embed loop. */
  inner: number;
  /** Photos the build kept. */
  kept: number;
}

function buildReport(build: BuildRun, machine: Machine): SuiteReport {
  const perSecond = round(build.photos / build.seconds);
  const rows = [
    {
      photos: build.photos,
      scanned: build.kept,
      wall_s: round(build.seconds),
      images_per_s: perSecond,
      build_reported_images_per_s: build.inner,
      model: DEMO_MODEL_IDS.join(' + '),
    },
  ];
  const targets = [
    {
      name: `catalog build, ${build.photos} photos, whole process`,
      target: '≥ 30 images/s',
      value: perSecond,
      unit: 'images/s',
      pass: perSecond >= 30,
    },
  ];
  const notes = [
    `Subset: the first ${build.photos} file names (sorted) of the shared clothing set, hard-linked` +
      ' (or copied) into a temp dir; fresh cache and output dirs, so every photo is decoded, thumbnailed' +
      ' (WebP) and embedded (onnxruntime-node); then int8 shards, item table, thumbnail packs' +
      ' and manifest are written.',
    'Wall time counts the whole `npm run catalog` process (npm, tsx, model load, writing);' +
      ' "inside the build" is the build\'s own figure for the decode + thumbnail + embed loop.',
  ];
  const report = { suite: 'build', machine, cases: rows, targets, notes };
  const markdown = suiteSection(
    '## Catalog build throughput (`npm run bench -- --suite build`)',
    machine,
    [
      '',
      table(
        ['photos', 'model', 'wall s', 'images/s (whole process)', 'images/s (inside the build)'],
        rows.map((r) => [
          r.photos,
          r.model,
          r.wall_s,
          r.images_per_s,
          r.build_reported_images_per_s,
        ]),
      ),
    ],
    targets,
    notes,
  );
  return { ...report, markdown };
}

export const buildSuite: BenchSuite = {
  name: 'build',
  description: 'catalog build throughput (npm run catalog on 1,000 shared photos, fresh cache)',
  run,
};
