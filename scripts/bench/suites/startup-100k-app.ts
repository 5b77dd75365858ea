/**
 * The startup-100k suite's app: a copy of the built app with a large synthetic catalog, written by
 * the catalog pipeline's own stages (scripts/catalog/synthetic-catalog-app.ts, run as a child so
 * the bench does not import another pipeline). Removed when the bench exits.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../lib/cli.ts';

/** What the child prints: see `LargeCatalogApp` in synthetic-catalog-app.ts. */
export interface LargeCatalogApp {
  outDir: string;
  count: number;
  /** Each model's id, dimension and shard bytes as sent (gzip copies), in manifest order (the first is the default). */
  models: { id: string; dim: number; shardBytes: number }[];
  written: { bytes: { shards: number; thumbs: number; items: number } };
}

export function writeLargeCatalogApp(builtDir: string, count: number): LargeCatalogApp {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-app-large-'));
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  const cli = join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
  const script = join(repoRoot, 'scripts/catalog/synthetic-catalog-app.ts');
  const args = [cli, script, '--built', builtDir, '--out', outDir, '--count', String(count)];
  const child = spawnSync(process.execPath, args, {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`synthetic catalog: exited with ${child.status}`);
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as LargeCatalogApp;
}
