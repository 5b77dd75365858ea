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
import type { EmbedResult } from './embed-protocol.ts';

interface Row {
  model: string;
  runtime: string;
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
  const { rows, isolated, version } = await measureModels(models, quick, log);
  const machine = { ...options.machine, browser: version };
  // The target is the app's query model: the demo catalog's first model (others are listed).
  const main = defaultModel() ?? models[0];
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
      ` build, graph optimisation "all", cross-origin isolated: ${isolated}); embed() on 8 real` +
      ` photos in turn, after ${quick ? 3 : 10} warm-up runs. Times are embed() only: preprocessing` +
      ' (resize + normalise into the tensor) is listed apart.',
    'Models whose spec says runtime "transformers" (transformers.js) are timed as their image' +
      ' tower ONNX graph on the same onnxruntime-web; transformers.js adds its own pre- and' +
      ' post-processing on top.',
    `The target applies to the app's query model (${main}, the demo catalog's first); the` +
      ' other installed models are listed for comparison.',
    'The machine is shared: with other work on its 2 cores, the 2-thread runs suffer most.',
  ];
  return embedReport(machine, rows, targets, notes);
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
