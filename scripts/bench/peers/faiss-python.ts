/**
 * FAISS's exact IndexFlatIP through Debian's python3-faiss (`apt-get install python3-faiss`),
 * timed inside the Python process (faiss_flat.py), one thread: the native FAISS flat index on
 * this machine when faiss-node cannot install. Skipped when python3 cannot import faiss.
 */
import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { NodePeerRun, NodeSearchPeer } from './node-peer.ts';
import type { SyntheticCatalog } from '../suites/search-data.ts';

const run = promisify(execFile);
/** Debian's interpreter, where python3-faiss lives (a pyenv python3 on PATH would lack it). */
const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const script = resolve(import.meta.dirname, 'faiss_flat.py');
/** One thread, like our kernel; FAISS otherwise spreads over OpenMP threads. */
const env = { ...process.env, OMP_NUM_THREADS: '1' };
const CHUNK_ROWS = 8192;
const QUERIES = 16;

let version: Promise<string | null> | undefined;
const faissVersion = () =>
  (version ??= run(
    python,
    ['-c', 'import faiss; print(faiss.__version__, faiss.get_compile_options().strip())'],
    { env },
  )
    .then(({ stdout }) => stdout.trim())
    .catch(() => null));

/** Codes, scales and queries back to back, as faiss_flat.py reads them. */
function writeCatalog(path: string, catalog: SyntheticCatalog): void {
  const { n, d } = catalog;
  const file = openSync(path, 'w');
  try {
    const codes = new Int8Array(CHUNK_ROWS * d);
    const scales = new Float32Array(n);
    for (let from = 0; from < n; from += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, n - from);
      catalog.fill(from, count, codes, scales.subarray(from, from + count));
      writeSync(file, new Uint8Array(codes.buffer, 0, count * d));
    }
    writeSync(file, new Uint8Array(scales.buffer));
    for (const query of catalog.queries(QUERIES)) writeSync(file, new Uint8Array(query.buffer));
  } finally {
    closeSync(file);
  }
}

export const faissPythonPeer: NodeSearchPeer = {
  name: 'faiss',
  async describe() {
    const [release, ...options] = (await faissVersion())?.split(' ') ?? [];
    return (
      `FAISS ${release} IndexFlatIP, float32, 1 thread (OMP_NUM_THREADS=1); Debian's ` +
      `python3-faiss, compile options "${options.join(' ')}"` +
      (options.includes('AVX2') ? '' : ' (a generic build: no AVX2 kernels)')
    );
  },
  async unavailable() {
    return (await faissVersion())
      ? null
      : `${python} cannot import faiss (install Debian's python3-faiss: apt-get install python3-faiss)`;
  },
  async run(catalog, k, runs, checks): Promise<NodePeerRun> {
    const dir = mkdtempSync(join(tmpdir(), 'bench-faiss-'));
    try {
      const data = join(dir, 'catalog.bin');
      writeCatalog(data, catalog);
      const args = [script, data, catalog.n, catalog.d, QUERIES, k, runs, checks].map(String);
      const { stdout } = await run(python, args, { env, maxBuffer: 16 * 1024 * 1024 });
      const result = JSON.parse(stdout) as {
        load_ms: number;
        times: number[];
        check_ids: number[][];
      };
      return { times: result.times, loadMs: result.load_ms, checkIds: result.check_ids };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
