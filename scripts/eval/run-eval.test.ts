import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLabelledPhotos } from '../lib/dataset.ts';
import { LABEL_RERANK } from '../../src/shared/search/label-rerank.ts';

// A small copy of the shared set (80 photos + its own CSV): the real CLI, end to end, in seconds.
const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared/datasets/clothing');
const work = mkdtempSync(join(tmpdir(), 'run-eval-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const photos = loadLabelledPhotos({
  images: resolve(shared, 'images'),
  meta: resolve(shared, 'images.csv'),
}).slice(0, 80);
const images = join(work, 'images');
mkdirSync(images);
for (const p of photos) copyFileSync(p.path, join(images, `${p.id}.jpg`));
const meta = join(work, 'images.csv');
writeFileSync(
  meta,
  ['image,sender_id,label', ...photos.map((p) => `${p.id},${p.photographer},${p.label}`)].join(
    '\n',
  ) + '\n',
);

/** One `npm run eval -- --json` with its own cache (fresh unless reused) and output folder. */
async function runEval(name: string, extra: string[] = [], cacheName = name): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      join(root, 'node_modules/tsx/dist/cli.mjs'),
      resolve(root, 'scripts/eval/run-eval.ts'),
      ...['--images', images, '--meta', meta, '--models', 'mobilenet-v2,colour-histogram'],
      ...['--instance', '12', '--json'],
      ...['--cache', join(work, `cache-${cacheName}`), '--out', join(work, `out-${name}`)],
      ...extra,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return stdout;
}

describe('npm run eval', () => {
  it('prints identical JSON on two cold runs with the same seed', async () => {
    const first = await runEval('a');
    const second = await runEval('b');
    expect(second).toBe(first);
    const report = JSON.parse(first) as { models: Record<string, Record<string, number>> };
    expect(Object.keys(report.models)).toEqual(['mobilenet-v2', 'colour-histogram']);
    for (const m of Object.values(report.models)) {
      for (const key of [
        'p_at_5',
        'looks_alike_p_at_5',
        'map_at_10',
        'mrr',
        'instance_recall_at_1',
      ]) {
        expect(m[key]).toBeGreaterThanOrEqual(0);
        expect(m[key]).toBeLessThanOrEqual(1);
      }
    }
    // The files match stdout.
    expect(JSON.parse(readFileSync(join(work, 'out-a', 'results.json'), 'utf8'))).toEqual(report);
  }, 240_000);

  it('--no-rerank records the index order and leaves every first result where it was', async () => {
    type Report = {
      dataset: { label_rerank: object | null };
      models: Record<string, Record<string, number>>;
    };
    // The same cache as run a: its embeddings are reused, only the ranking differs.
    const on = JSON.parse(await runEval('a')) as Report;
    const off = JSON.parse(await runEval('c', ['--no-rerank'], 'a')) as Report;
    expect(on.dataset.label_rerank).toEqual(LABEL_RERANK);
    expect(off.dataset.label_rerank).toBeNull();
    for (const id of Object.keys(on.models)) {
      // The re-ranking never moves the nearest match.
      expect(off.models[id].p_at_1).toBe(on.models[id].p_at_1);
      expect(off.models[id].instance_recall_at_1).toBe(on.models[id].instance_recall_at_1);
    }
  }, 240_000);
});
