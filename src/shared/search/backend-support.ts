/**
 * Which scan backends this runtime runs correctly: a backend counts only if its module validates
 * AND a small probe search gives exactly the scalar results (Node 20's experimental relaxed SIMD,
 * behind a flag, validates yet computes wrong dot products).
 */
import { queryCodeMax } from '../catalog/quantise.ts';
import { kernelBytes, type Backend, type WasmBackend } from './kernel-modules.ts';
import { scanScalar } from './scan-scalar.ts';
import { seededRandom } from './seeded-random.ts';
import { WasmScan } from './scan-wasm.ts';
import { VectorStore } from './vector-store.ts';

const verdicts = new Map<WasmBackend, boolean>();

/** Scans 37 items of dim 40 (two 16-byte columns plus padding, a partial last group, a mask). */
function probe(backend: WasmBackend): boolean {
  // Synchronous compile is fine: the module is far below the browsers' 4 KB main-thread limit.
  const module = new WebAssembly.Module(kernelBytes(backend));
  const dim = 40;
  const n = 37;
  // A fixed seed: the probe data are the same everywhere.
  const random = seededRandom(0x5eed);
  const store = new VectorStore(dim, backend === 'relaxed', n);
  const codes = Int8Array.from({ length: n * dim }, (_, i) =>
    i % 11 === 0 ? -128 : i % 13 === 0 ? 127 : Math.floor(random() * 256) - 128,
  );
  const scales = Float32Array.from({ length: n }, () => 2 ** -Math.floor(random() * 8));
  store.append(codes, scales);
  const scan = new WasmScan(backend, module, store);
  scan.appended(0, n);
  const mask = Uint8Array.from({ length: Math.ceil(n / 8) }, () => Math.floor(random() * 256));
  store.bytes.set(mask, store.layout.mask);
  const max = queryCodeMax(dim);
  const query = Int16Array.from({ length: dim }, (_, j) =>
    j % 7 === 0 ? max : j % 5 === 0 ? -max : Math.floor(random() * (2 * max + 1)) - max,
  );
  const { topScores, topIds } = store.layout;
  for (const [k, useMask, exclude, skipBlocks] of [
    [1, false, -1, false],
    [10, true, 3, true],
    [n, true, 17, false],
    [n, false, 30, false],
  ] as const) {
    const results = () => [
      ...store.bytes.slice(topScores, topScores + k * 4),
      ...store.bytes.slice(topIds, topIds + k * 4),
    ];
    store.bytes.fill(0, topScores, topIds + k * 4);
    const found = scan.run(query, 0.25, n, k, useMask, exclude, skipBlocks);
    const fromKernel = results();
    store.bytes.fill(0, topScores, topIds + k * 4);
    const expected = scanScalar(store, query, 0.25, n, k, useMask, exclude);
    const fromScalar = results();
    if (found !== expected || fromKernel.some((byte, i) => byte !== fromScalar[i])) return false;
  }
  return true;
}

export function supportsBackend(backend: Backend): boolean {
  if (backend === 'scalar') return true;
  let verdict = verdicts.get(backend);
  if (verdict === undefined) {
    verdict =
      typeof WebAssembly === 'object' &&
      WebAssembly.validate(kernelBytes(backend)) &&
      probe(backend);
    verdicts.set(backend, verdict);
  }
  return verdict;
}

/** The fastest backend this runtime runs correctly. */
export function bestBackend(): Backend {
  if (supportsBackend('relaxed')) return 'relaxed';
  if (supportsBackend('simd')) return 'simd';
  return 'scalar';
}
