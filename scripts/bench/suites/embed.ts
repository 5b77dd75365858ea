/**
 * The embed suite: query-model latency in a browser worker (onnxruntime-web, the app's WASM
 * build, cross-origin isolated), p50 and p95 after a warm-up, for 1 and 2 threads and every
 * installed model (models/<id>/model.json), on real preprocessed photos.
 */
import { suiteSection, table } from '../markdown-report.ts';
import { installedModels, samplePhotos } from '../paths.ts';
import { median, p95, round } from '../stats.ts';
import type { BenchSuite, Machine, SuiteOptions, SuiteReport, TargetCheck } from '../types.ts';
import { defaultModel, openEmbedPage, runEmbed } from './embed-dedicated.ts';
import type { EmbedBenchPage, EmbedResult } from './embed-protocol.ts';

interface Row {
  model: string;
  runtime: string;
  backend: string;
  dim: number;
  threads: number;
  p50_ms: number;
  p95_ms: number;
  min_ms: number;
  mean_ms: number;
  runs: number;
  session_ms: number;
  preprocess_ms: number;
}

const rowOf = (model: string, r: EmbedResult): Row => ({
  model,
  runtime: r.runtime,
  backend: r.backend,
  dim: r.dim,
  threads: r.ortThreads,
  p50_ms: round(median(r.times)),
  p95_ms: round(p95(r.times)),
  min_ms: round(Math.min(...r.times)),
  mean_ms: round(r.times.reduce((a, b) => a + b, 0) / r.times.length),
  runs: r.times.length,
  session_ms: Math.round(r.sessionMs),
  preprocess_ms: round(median(r.preprocessMs)),
});

async function run(options: SuiteOptions): Promise<SuiteReport> {
  const { log, quick } = options;
  const models = installedModels();
  if (!models.length) throw new Error('no models in models/: run `npm run models`');
  // The target is the app's query model: the demo catalog's first model (others are listed).
  const main = defaultModel() ?? models[0];
  const { rows, isolated, version } = await measureModels(models, quick, log);
  const gpu = await measureGpu(main, quick, log);
  const machine = { ...options.machine, browser: version };
  const targets: TargetCheck[] = rows
    .filter((r) => r.threads === 2 && r.model === main)
    .map((r) => ({
      name: `embed ${r.model}, 2 threads, p50`,
      target: '≤ 25 ms',
      value: r.p50_ms,
      unit: 'ms',
      pass: r.p50_ms <= 25,
    }));
  const notes = [
    `Each row is a fresh worker with one onnxruntime-web ${'session'} (the app's ort-wasm-simd-threaded` +
      ` build, graph optimisation as in the app: none with 1 thread, "all" with more; cross-origin` +
      ` isolated: ${isolated}); embed() on 8 real` +
      ` photos in turn, after ${quick ? 3 : 10} warm-up runs. Times are embed() only: preprocessing` +
      ' (resize + normalise into the tensor) is listed apart.',
    'Models whose spec says runtime "transformers" (transformers.js) are timed as their image' +
      ' tower ONNX graph on the same onnxruntime-web; transformers.js adds its own pre- and' +
      ' post-processing on top.',
    `The target applies to the app's query model (${main}, the demo catalog's first); the` +
      ' other installed models are listed for comparison.',
    'The machine is shared: with other work on its 2 cores, the 2-thread runs suffer most.',
    gpu.row
      ? `The webgpu row: ORT's WebGPU build (ort-wasm-simd-threaded.asyncify) on the browser's` +
        ` adapter (${gpu.adapter}; Chromium with --enable-unsafe-webgpu), ${gpu.row.runs} runs` +
        ' after 1 warm-up run that compiles the shaders. The app uses it only where it agrees with' +
        ' WASM and beats it on the device (docs/latency.md): a software adapter never does.'
      : 'No WebGPU row: this browser offers no WebGPU adapter, even with --enable-unsafe-webgpu.',
  ];
  return embedReport(machine, gpu.row ? [...rows, gpu.row] : rows, targets, notes);
}

/** Every model at 1 and 2 threads, each in a fresh worker of one page. */
async function measureModels(models: string[], quick: boolean, log: SuiteOptions['log']) {
  const session = await openEmbedPage();
  const rows: Row[] = [];
  let isolated = false;
  try {
    const photos = samplePhotos(8);
    for (const model of models) {
      for (const threads of [1, 2]) {
        const result = await runEmbed(session, model, photos, {
          threads,
          warmup: quick ? 3 : 10,
          runs: quick ? 10 : 60,
        });
        isolated = result.crossOriginIsolated;
        const row = rowOf(model, result);
        rows.push(row);
        log(
          `  ${model} ${threads} thread(s): p50 ${row.p50_ms} ms  p95 ${row.p95_ms} ms ` +
            `(${row.runs} runs; session ${row.session_ms} ms)`,
        );
      }
    }
  } finally {
    await session.close();
  }
  return { rows, isolated, version: session.version };
}

/** The app's query model on WebGPU, in a browser that exposes whatever adapter it has. */
async function measureGpu(model: string, quick: boolean, log: SuiteOptions['log']) {
  const session = await openEmbedPage({}, { webgpu: true });
  try {
    const adapter = await session.page.evaluate(() =>
      (globalThis as unknown as { embedBench: EmbedBenchPage }).embedBench.gpuAdapter(),
    );
    if (!adapter) return { adapter, row: null };
    // A software adapter takes seconds a run: few runs.
    const result = await runEmbed(session, model, samplePhotos(8), {
      threads: 1,
      warmup: 1,
      runs: quick ? 2 : 5,
      backend: 'webgpu',
    });
    const row = rowOf(model, result);
    log(
      `  ${model} on ${row.backend}: p50 ${row.p50_ms} ms (${row.runs} runs; session ${row.session_ms} ms)`,
    );
    return { adapter, row };
  } finally {
    await session.close();
  }
}

function embedReport(
  machine: Machine,
  rows: Row[],
  targets: TargetCheck[],
  notes: string[],
): SuiteReport {
  const report = {
    suite: 'embed',
    machine,
    cases: rows as unknown as Record<string, unknown>[],
    targets,
    notes,
  };
  const markdown = suiteSection(
    '## Embed: query-model latency in the worker (`npm run bench -- --suite embed`)',
    machine,
    [
      '',
      table(
        [
          'model',
          'runtime',
          'backend',
          'dim',
          'threads',
          'p50 ms',
          'p95 ms',
          'min ms',
          'mean ms',
          'runs',
          'session ms',
          'preprocess ms',
        ],
        rows.map((r) => [
          r.model,
          r.runtime,
          r.backend,
          r.dim,
          r.threads,
          r.p50_ms,
          r.p95_ms,
          r.min_ms,
          r.mean_ms,
          r.runs,
          r.session_ms,
          r.preprocess_ms,
        ]),
      ),
    ],
    targets,
    notes,
  );
  return { ...report, markdown };
}

export const embedSuite: BenchSuite = {
  name: 'embed',
  description: 'query-model latency in a browser worker, 1 and 2 threads, every installed model',
  run,
};
