/**
 * The memory suite, in the built app (vite preview, headless Chromium): peak JS heap (page and
 * search worker, sampled every 100 ms through CDP), ArrayBuffer/WASM backing stores and the
 * renderer's peak RSS, with the demo catalog and with a synthetic 100k-item catalog; then the
 * load run: 1,000 photo searches in a row in one page, JS heap growth after forced GC (target
 * < 10 MB) and p95 latency of the first 100 vs the last 100 searches.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { loadPhotos, newAppContext, queryPhotos, readyMs } from '../app/app-page.ts';
import { buildApp } from '../app/app-server.ts';
import { MemoryProbe, rendererMemory, samplePeaks, type MemorySample } from '../app/cdp-memory.ts';
import type { QuerySample } from '../app/probe-protocol.ts';
import { writeSyntheticApp } from '../app/synthetic-catalog.ts';
import { FlatIndex } from '../../../src/shared/search/flat-index.ts';
import { stageValues, type Stage } from './e2e.ts';
import { SyntheticCatalog } from './search-data.ts';
import { withApp } from '../app/with-app.ts';
import { suiteSection, table } from '../markdown-report.ts';
import { samplePhotos } from '../paths.ts';
import { median, p95, round } from '../stats.ts';
import type { BenchSuite, Machine, SuiteOptions, SuiteReport, TargetCheck } from '../types.ts';

const MB = 1024 * 1024;
const mb = (bytes: number) => round(bytes / MB);

interface CatalogRow {
  catalog: string;
  items: number;
  ready_ms: number;
  peak_js_heap_mb: number;
  peak_page_heap_mb: number;
  peak_worker_heap_mb: number;
  peak_worker_backing_mb: number;
  after_gc_js_heap_mb: number;
  after_gc_worker_backing_mb: number;
  /** The search index's WASM memory for this catalog (FlatIndex.byteLength, all models). */
  index_wasm_mb: number;
  renderer_peak_rss_mb: number;
  renderer_rss_mb: number;
  search_p50_ms: number;
  queries: number;
}

const jsHeap = (s: MemorySample) => s.page.used + s.workers.used;

/** How long the page sits idle after the load run before its renderer's RSS is read again. */
const IDLE_MS = 30_000;

/** Loads the app with peaks sampled from navigation on, then runs `queries` searches. */
async function measureCatalog(
  browser: Browser,
  url: string,
  label: string,
  items: number,
  dims: number[],
  photos: string[],
  queries: number,
  keepPage?: (page: Page, probe: MemoryProbe, browser: Browser) => Promise<void>,
): Promise<CatalogRow> {
  const context = await newAppContext(browser);
  try {
    const page = await context.newPage();
    const probe = await MemoryProbe.attach(context, page);
    const sampler = samplePeaks(probe);
    await page.goto(url);
    const ready = await readyMs(page, 300_000);
    await loadPhotos(page, photos);
    const samples = await queryPhotos(page, 0, queries);
    const { peak, peakJsHeap } = await sampler.stop();
    const settled = await probe.collectAndSample();
    const renderer = await rendererMemory(browser);
    const row: CatalogRow = {
      catalog: label,
      items,
      ready_ms: Math.round(ready),
      peak_js_heap_mb: mb(peakJsHeap),
      peak_page_heap_mb: mb(peak.page.used),
      peak_worker_heap_mb: mb(peak.workers.used),
      peak_worker_backing_mb: mb(peak.workers.backing),
      after_gc_js_heap_mb: mb(jsHeap(settled)),
      after_gc_worker_backing_mb: mb(settled.workers.backing),
      index_wasm_mb: mb(await indexBytes(items, dims)),
      renderer_peak_rss_mb: mb(renderer.peakRss),
      renderer_rss_mb: mb(renderer.rss),
      search_p50_ms: round(median(samples.map((s) => s.stages.search))),
      queries,
    };
    await keepPage?.(page, probe, browser);
    await probe.detach();
    return row;
  } finally {
    await context.close();
  }
}

interface LoadRun {
  queries: number;
  heap_before_mb: number;
  heap_after_mb: number;
  heap_growth_mb: number;
  backing_growth_mb: number;
  /** Renderer resident memory after the run minus before (process level, after GC). */
  rss_growth_mb: number;
  /** Renderer RSS after each 100 searches: a plateau is caches filling, a slope is a leak. */
  rss_by_100_mb: number[];
  /**
   * Renderer RSS growth after the page then sat idle (IDLE_MS): Chromium frees garbage and
   * purges its allocators and unlocked image caches only when the page is idle, which
   * back-to-back searches never are; what is left is what the searches kept.
   */
  rss_after_idle_growth_mb: number;
  first100_p95_ms: number;
  last100_p95_ms: number;
  p95_drift: number;
  first100_p50_ms: number;
  last100_p50_ms: number;
  /** p95 of each stage, first vs last window: says which part drifted. */
  stages_p95_ms: Record<string, { first: number; last: number }>;
  /** 1-minute load average of the machine when the first and the last window ran. */
  load_average: { first: number; last: number };
  seconds: number;
}

async function loadRun(
  page: Page,
  probe: MemoryProbe,
  browser: Browser,
  queries: number,
  log: (line: string) => void,
): Promise<LoadRun> {
  const before = await probe.collectAndSample();
  const rssBefore = (await rendererMemory(browser)).rss;
  const started = performance.now();
  const samples: QuerySample[] = [];
  const chunk = 100;
  const loads: number[] = [];
  const rssByChunk: number[] = [];
  for (let i = 0; i < queries; i += chunk) {
    samples.push(...(await queryPhotos(page, i, Math.min(chunk, queries - i))));
    loads.push(Math.round(loadavg()[0] * 10) / 10);
    rssByChunk.push(mb((await rendererMemory(browser)).rss));
    log(
      `  load run: ${samples.length}/${queries} searches, p50 so far ${round(median(samples.map((s) => s.totalMs)))} ms, renderer RSS ${rssByChunk.at(-1)} MB`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await probe.collectAndSample();
  const rssAfter = (await rendererMemory(browser)).rss;
  await new Promise((wait) => setTimeout(wait, IDLE_MS));
  const rssIdle = (await rendererMemory(browser)).rss;
  const window = Math.min(100, Math.floor(queries / 2));
  const first = samples.slice(0, window).map((s) => s.totalMs);
  const last = samples.slice(-window).map((s) => s.totalMs);
  const stageP95 = (stage: Stage) => ({
    first: round(p95(samples.slice(0, window).map((s) => stageValues(s)[stage]))),
    last: round(p95(samples.slice(-window).map((s) => stageValues(s)[stage]))),
  });
  return {
    queries: samples.length,
    heap_before_mb: mb(jsHeap(before)),
    heap_after_mb: mb(jsHeap(after)),
    heap_growth_mb: mb(jsHeap(after) - jsHeap(before)),
    backing_growth_mb: mb(
      after.page.backing + after.workers.backing - before.page.backing - before.workers.backing,
    ),
    rss_growth_mb: mb(rssAfter - rssBefore),
    rss_by_100_mb: rssByChunk,
    rss_after_idle_growth_mb: mb(rssIdle - rssBefore),
    first100_p95_ms: round(p95(first)),
    last100_p95_ms: round(p95(last)),
    p95_drift: round(p95(last) / p95(first)),
    first100_p50_ms: round(median(first)),
    last100_p50_ms: round(median(last)),
    stages_p95_ms: Object.fromEntries(
      (['decode', 'preprocess', 'embed', 'search', 'render', 'other'] as const).map((stage) => [
        stage,
        stageP95(stage),
      ]),
    ),
    load_average: { first: loads[0], last: loads.at(-1)! },
    seconds: Math.round(seconds),
  };
}

async function run(options: SuiteOptions): Promise<SuiteReport> {
  const { log, quick } = options;
  const syntheticCount = quick ? 20_000 : 100_000;
  const photos = samplePhotos(50);
  const built = await buildApp(log);
  const demo = await measureDemo(built, photos, quick ? 100 : 1000, log);
  const { load } = demo;
  const rows = [demo.row, await measureSynthetic(built, syntheticCount, photos, log)];
  for (const r of rows) {
    log(
      `  ${r.catalog}: peak JS heap ${r.peak_js_heap_mb} MB (page ${r.peak_page_heap_mb}, worker ${r.peak_worker_heap_mb}), worker backing stores ${r.peak_worker_backing_mb} MB, renderer peak RSS ${r.renderer_peak_rss_mb} MB, ready ${r.ready_ms} ms`,
    );
  }
  const machine = { ...options.machine, browser: demo.version };
  if (load) {
    log(
      `  load run: heap growth ${load.heap_growth_mb} MB after GC, renderer RSS ${load.rss_growth_mb} MB (${load.rss_after_idle_growth_mb} MB after ${IDLE_MS / 1000} s idle); p95 first 100 ${load.first100_p95_ms} ms, last 100 ${load.last100_p95_ms} ms`,
    );
  }
  const targets = load ? loadTargets(load) : [];
  const notes = memoryNotes(syntheticCount, load);
  const report = {
    suite: 'memory',
    machine,
    cases: rows as unknown as Record<string, unknown>[],
    loadRun: load,
    targets,
    notes,
  };
  return { ...report, markdown: memoryMarkdown(machine, rows, load, targets, notes) };
}

/** The demo catalog's row, then the load run in the same page. */
async function measureDemo(
  built: string,
  photos: string[],
  loadQueries: number,
  log: SuiteOptions['log'],
): Promise<{ row: CatalogRow; load?: LoadRun; version: string }> {
  const demo = demoCatalog(built);
  let load: LoadRun | undefined;
  const { row, version } = await withApp(
    log,
    async ({ server, browser, version }) => {
      const row = await measureCatalog(
        browser,
        server.url,
        'demo',
        demo.count,
        demo.dims,
        photos,
        20,
        async (page, probe, open) => {
          load = await loadRun(page, probe, open, loadQueries, log);
        },
      );
      return { row, version };
    },
    built,
  );
  return { row, load, version };
}

/** The row of a synthetic catalog of `count` items beside the built app. */
async function measureSynthetic(
  built: string,
  count: number,
  photos: string[],
  log: SuiteOptions['log'],
): Promise<CatalogRow> {
  const synthetic = writeSyntheticApp(built, count);
  log(
    `  synthetic catalog: ${count} items × ${synthetic.dims.join(', ')} dims, ${mb(synthetic.shardBytes)} MB of shards, ${mb(synthetic.itemBytes)} MB item table`,
  );
  return withApp(
    log,
    ({ server, browser }) =>
      measureCatalog(
        browser,
        server.url,
        `synthetic ${count / 1000}k`,
        count,
        synthetic.dims,
        photos,
        20,
      ),
    synthetic.outDir,
  );
}

function loadTargets(load: LoadRun): TargetCheck[] {
  return [
    {
      name: `JS heap growth over ${load.queries} searches (after GC)`,
      target: '< 10 MB',
      value: load.heap_growth_mb,
      unit: 'MB',
      pass: load.heap_growth_mb < 10,
    },
    {
      name: `renderer RSS growth over ${load.queries} searches`,
      target: '≤ 50 MB',
      value: load.rss_growth_mb,
      unit: 'MB',
      pass: load.rss_growth_mb <= 50,
    },
    {
      name: 'p95 latency, last 100 vs first 100 searches',
      target: '≤ 1.25× (stable)',
      value: load.p95_drift,
      unit: `× (${load.first100_p95_ms} → ${load.last100_p95_ms} ms)`,
      pass: load.p95_drift <= 1.25,
    },
  ];
}

function memoryNotes(syntheticCount: number, load: LoadRun | undefined): string[] {
  return [
    "JS heap = page + search worker used heap (CDP Runtime.getHeapUsage), sampled every 100 ms from navigation through 20 searches; backing stores = ArrayBuffers and WASM memories (the index and onnxruntime's heap) held by the worker; index WASM = the search index's WebAssembly memory for the catalog (FlatIndex.byteLength of the same index code, built in Node from the same item count and dims); onnxruntime's WASM heap is inside the renderer's RSS (CDP could not enumerate the worker's WebAssembly memories: Runtime.queryObjects never answers in a worker sharing memory with onnxruntime's threads); renderer peak RSS = VmHWM of the renderer process hosting the page and its workers. onnxruntime's own thread workers are not sampled (their memory is the shared WASM heap).",
    `The synthetic catalog has ${syntheticCount.toLocaleString('en')} random vectors per model of the demo catalog, encoded by the shared shard encoder into 4 MiB shards, with the demo items' fields and thumbnails repeated; it is served like the demo catalog.`,
    load
      ? `Load run: ${load.queries} photo searches in a row in the demo page (50 photos in turn, each to painted results, ${load.seconds} s); heap measured after HeapProfiler.collectGarbage in the page and the worker, before and after. p50 went ${load.first100_p50_ms} → ${load.last100_p50_ms} ms; backing stores grew ${load.backing_growth_mb} MB, renderer RSS ${load.rss_growth_mb} MB (after each 100 searches: ${load.rss_by_100_mb.join(', ')} MB), ${load.rss_after_idle_growth_mb} MB once the page had been idle ${IDLE_MS / 1000} s (Chromium collects garbage and purges its allocators and unlocked image caches when idle). p95 per stage, first → last 100: ${Object.entries(
          load.stages_p95_ms,
        )
          .map(([stage, v]) => `${stage} ${v.first} → ${v.last} ms`)
          .join(
            ', ',
          )}; the machine's load average was ${load.load_average.first} after the first 100 and ${load.load_average.last} after the last 100 (other work shares its 2 cores).`
      : 'The load run did not run.',
  ];
}

function memoryMarkdown(
  machine: Machine,
  rows: CatalogRow[],
  load: LoadRun | undefined,
  targets: TargetCheck[],
  notes: string[],
): string {
  return suiteSection(
    '## Memory and the 1,000-search load run (`npm run bench -- --suite memory`)',
    machine,
    [
      '',
      table(
        [
          'catalog',
          'items',
          'ready ms',
          'peak JS heap MB',
          'page MB',
          'worker MB',
          'worker backing stores MB',
          'index WASM MB',
          'JS heap after GC MB',
          'renderer peak RSS MB',
          'search p50 ms',
        ],
        rows.map((r) => [
          r.catalog,
          r.items.toLocaleString('en'),
          r.ready_ms,
          r.peak_js_heap_mb,
          r.peak_page_heap_mb,
          r.peak_worker_heap_mb,
          r.peak_worker_backing_mb,
          r.index_wasm_mb,
          r.after_gc_js_heap_mb,
          r.renderer_peak_rss_mb,
          r.search_p50_ms,
        ]),
      ),
      ...(load
        ? [
            '',
            '### Load run',
            '',
            table(
              [
                'searches',
                'heap before MB',
                'heap after MB',
                'JS heap growth MB',
                'renderer RSS growth MB',
                `after ${IDLE_MS / 1000} s idle MB`,
                'p95 first 100 ms',
                'p95 last 100 ms',
                'drift',
              ],
              [
                [
                  load.queries,
                  load.heap_before_mb,
                  load.heap_after_mb,
                  load.heap_growth_mb,
                  load.rss_growth_mb,
                  load.rss_after_idle_growth_mb,
                  load.first100_p95_ms,
                  load.last100_p95_ms,
                  `${load.p95_drift}×`,
                ],
              ],
            ),
          ]
        : []),
    ],
    targets,
    notes,
  );
}

/** The built app's demo catalog: item count and each model's dim. */
function demoCatalog(built: string): { count: number; dims: number[] } {
  const manifest = JSON.parse(readFileSync(join(built, 'catalog', 'manifest.json'), 'utf8')) as {
    count: number;
    models: { dim: number }[];
  };
  return { count: manifest.count, dims: manifest.models.map((m) => m.dim) };
}

/** Bytes of WASM memory the index code takes for `count` items of each dim (built here in Node). */
async function indexBytes(count: number, dims: number[]): Promise<number> {
  let total = 0;
  for (const [m, dim] of dims.entries()) {
    const catalog = new SyntheticCatalog(count, dim, 300 + m);
    const index = await FlatIndex.create({ dim });
    index.reserve(count);
    const rows = 8192;
    const codes = new Int8Array(rows * dim);
    const scales = new Float32Array(rows);
    for (let from = 0; from < count; from += rows) {
      const n = Math.min(rows, count - from);
      catalog.fill(from, n, codes, scales);
      index.append(codes.subarray(0, n * dim), scales.subarray(0, n));
    }
    total += index.byteLength;
    index.clear();
  }
  return total;
}

export const memorySuite: BenchSuite = {
  name: 'memory',
  description:
    'peak JS heap and WASM memory (demo and synthetic 100k catalogs), 1,000-search load run',
  run,
};
