/**
 * The shape of scripts/: each pipeline (models, catalog, train, eval, bench, and the wasm and vite
 * build helpers) imports only its own folder, scripts/lib and src/shared; scripts/lib imports only
 * itself and src/shared; and no import runs in a circle. Entry points at the top level and the
 * tests in integration/ may combine pipelines.
 */
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { importCycles, importGraph } from './lib/import-graph.ts';

const repo = resolve(import.meta.dirname, '..');
const graph = importGraph(repo, ['scripts', 'src']);
const PIPELINES = [
  'models',
  'catalog',
  'train',
  'eval',
  'bench',
  'demo-set',
  'wasm',
  'vite',
  'lib',
];

/** The folder under scripts/ a file belongs to (null for top-level files and src/). */
const pipelineOf = (file: string) => /^scripts\/([^/]+)\//.exec(file)?.[1] ?? null;

it('keeps every pipeline on scripts/lib and src/shared alone', () => {
  const crossings: string[] = [];
  for (const [file, targets] of graph) {
    const own = pipelineOf(file);
    if (!own || !PIPELINES.includes(own)) continue;
    for (const target of targets) {
      const allowed =
        target.startsWith('src/shared/') ||
        // Debian's Chromium and its flags, one definition for Playwright and the bench.
        target === 'tests/e2e/chromium.ts' ||
        (file.endsWith('.test.ts') && target.startsWith('tests/fixtures/')) ||
        pipelineOf(target) === own ||
        pipelineOf(target) === 'lib';
      if (!allowed) crossings.push(`${file} -> ${target}`);
    }
  }
  expect(crossings).toEqual([]);
});

it('has no import circle in scripts/ or src/', () => {
  expect(importCycles(graph)).toEqual([]);
});
