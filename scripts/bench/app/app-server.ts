/**
 * The built app for the app suites: `vite build` into a temp folder (never the shared dist/,
 * which other work serves), then `vite preview` of it on a free loopback port, stopped after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_MODEL_IDS } from '../../../src/shared/model/default-models.ts';

const root = resolve(import.meta.dirname, '../../..');
const vite = resolve(root, 'node_modules/vite/bin/vite.js');

function exec(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done() : fail(new Error(`${args.join(' ')} exited ${code}: ${errors}`)),
    );
  });
}

let built: Promise<string> | undefined;

/** Builds the app once per bench run; the folder is removed when the process exits. */
export function buildApp(log: (line: string) => void): Promise<string> {
  built ??= (async () => {
    for (const needed of [
      'public/catalog/manifest.json',
      ...DEMO_MODEL_IDS.map((id) => `models/${id}/model.json`),
    ]) {
      if (!existsSync(resolve(root, needed))) {
        throw new Error(`${needed} is missing: run \`npm run models\` and \`npm run catalog\``);
      }
    }
    const out = mkdtempSync(join(tmpdir(), 'bench-app-'));
    process.on('exit', () => rmSync(out, { recursive: true, force: true }));
    const started = performance.now();
    await exec([resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/wasm/build-kernel.ts']);
    await exec([vite, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn']);
    log(`  built the app into ${out} in ${Math.round(performance.now() - started)} ms`);
    return out;
  })();
  return built;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface AppServer {
  /** e.g. http://127.0.0.1:41234/ */
  url: string;
  stop(): Promise<void>;
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
  throw new Error(`vite preview did not answer at ${url} within 60 s`);
}

/** `vite preview` of `outDir` (with the project's config: COOP/COEP headers, base './'). */
export async function serveApp(outDir: string): Promise<AppServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      vite,
      'preview',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
      '--outDir',
      outDir,
    ],
    { cwd: root, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitUntilUp(url, child);
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    url,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill();
      }),
  };
}
