/**
 * The startup suite on a large synthetic catalog (100,000 items of the demo models, 672-d
 * default; `--quick`: 20,000): a cold visit on the plain static host, the bytes it takes before
 * "ready" by kind (the model, the default model's vectors and the item table; never a picture),
 * the ready time, the renderer's memory (page and search worker) once ready, and whether the
 * app asks before saving pictures beyond the consent threshold instead of starting by itself.
 */
import { ASK_ABOVE_BYTES } from '../../../src/shared/catalog/picture-limits.ts';
import { launchBrowser } from '../app/app-page.ts';
import { buildApp } from '../app/app-server.ts';
import { startMeteredHost } from '../app/metered-host.ts';
import { KINDS, MB, summarise } from '../app/transfer-summary.ts';
import { suiteSection, table } from '../markdown-report.ts';
import { median, round } from '../stats.ts';
import type { BenchSuite, SuiteOptions, SuiteReport, TargetCheck } from '../types.ts';
import { writeLargeCatalogApp, type LargeCatalogApp } from './startup-100k-app.ts';
import { largeCatalogVisit, type LargeVisit } from './startup-100k-visit.ts';

/** Tab memory allowed once ready (issue 14, item 7). */
const RSS_LIMIT_MB = 300;

async function visits(app: LargeCatalogApp, runs: number, log: (line: string) => void) {
  const host = await startMeteredHost({ folder: app.outDir });
  const browser = await launchBrowser();
  try {
    const out: LargeVisit[] = [];
    for (let v = 0; v < runs; v++) {
      const visit = await largeCatalogVisit(browser, host, 600_000);
      out.push(visit);
      const { bytes, wholeTwice } = summarise(visit.beforeReady);
      log(
        `  visit ${v + 1}: ready ${Math.round(visit.readyMs)} ms; before ready ` +
          KINDS.map((k) => `${k} ${MB(bytes[k])}`).join(', ') +
          ` MB; RSS ${MB(visit.rss)} MB (peak ${MB(visit.peakRss)}); pictures line ` +
          `"${visit.pictures.text}" (${visit.pictures.state}); after ready, whole packs ` +
          `${visit.packBytesAfterReady} B, single pictures ${visit.rangeBytesAfterReady} B; ` +
          `sent whole twice before ready: ${JSON.stringify(wholeTwice)}`,
      );
    }
    return { out, version: `Chromium ${browser.version()}` };
  } finally {
    await browser.close();
    await host.stop();
  }
}

function targetsOf(app: LargeCatalogApp, result: Record<string, number>, asked: boolean) {
  const vectorsMb = MB(app.models[0].shardBytes);
  const large = app.written.bytes.thumbs > ASK_ABOVE_BYTES;
  const check = (name: string, target: string, value: number, unit: string, pass: boolean) =>
    ({ name, target, value, unit, pass }) satisfies TargetCheck;
  return [
    check('picture bytes before ready', '0', result.pictures_mb, 'MB', result.pictures_mb === 0),
    check(
      'vector bytes before ready',
      `the default model's shards (${vectorsMb} MB)`,
      result.vectors_mb,
      'MB',
      Math.abs(result.vectors_mb - vectorsMb) < 0.01,
    ),
    check(
      'renderer RSS once ready (page + worker)',
      `≤ ${RSS_LIMIT_MB} MB`,
      result.rss_mb,
      'MB',
      result.rss_mb <= RSS_LIMIT_MB,
    ),
    large
      ? check(
          `asks before saving ${MB(app.written.bytes.thumbs)} MB of pictures`,
          'asks, no whole pack fetched',
          result.pack_mb_after_ready,
          'MB of packs after ready',
          asked && result.pack_mb_after_ready === 0,
        )
      : check(
          `saves ${MB(app.written.bytes.thumbs)} MB of pictures by itself (under the threshold)`,
          'saves without asking',
          result.pack_mb_after_ready,
          'MB of packs after ready',
          !asked,
        ),
  ];
}

async function run(options: SuiteOptions): Promise<SuiteReport> {
  const { log, quick } = options;
  const count = quick ? 20_000 : 100_000;
  const runs = quick ? 1 : 3;
  const built = await buildApp(log);
  const started = performance.now();
  const app = writeLargeCatalogApp(built, count);
  const { shards, thumbs, items } = app.written.bytes;
  log(
    `  synthetic catalog: ${count} items, ${app.models.map((m) => `${m.id} ${m.dim}-d`).join(', ')};` +
      ` shards ${MB(shards)} MB, pictures ${MB(thumbs)} MB, item table ${MB(items)} MB,` +
      ` written in ${Math.round((performance.now() - started) / 1000)} s`,
  );
  const { out, version } = await visits(app, runs, log);
  const summaries = out.map((v) => summarise(v.beforeReady));
  const mid = (values: number[]) => round(median(values));
  const result: Record<string, number> = {
    ready_ms: mid(out.map((v) => v.readyMs)),
    ...Object.fromEntries(
      KINDS.map((k) => [`${k}_mb`, MB(median(summaries.map((s) => s.bytes[k])))]),
    ),
    requests: median(summaries.map((s) => s.requests)),
    rss_mb: MB(median(out.map((v) => v.rss))),
    peak_rss_mb: MB(median(out.map((v) => v.peakRss))),
    pack_mb_after_ready: MB(Math.max(...out.map((v) => v.packBytesAfterReady))),
    range_mb_after_ready: MB(Math.max(...out.map((v) => v.rangeBytesAfterReady))),
    // A retried download (a stall on a loaded machine) shows here and inflates the vectors.
    files_whole_twice_before_ready: Math.max(
      ...summaries.map((s) => Object.keys(s.wholeTwice).length),
    ),
  };
  const asked = out.every((v) => v.pictures.state === 'waiting');
  const targets = targetsOf(app, result, asked);
  const machine = { ...options.machine, browser: version };
  const notes = [
    `${runs} cold visits, each in a fresh browser context (empty profile), of the built app on the` +
      ' plain static host of the startup suite (Range, ETag, COOP/COEP, no compression) on' +
      ' loopback; medians. Bytes are response bodies up to the instant the page saw "ready".',
    `The catalog: ${count.toLocaleString('en')} random unit vectors per demo model, quantised,` +
      " sharded and written by the catalog build's own quantise and write stages (4 MiB shards," +
      " 2 MiB thumbnail packs), with the demo items' pictures, colours and fields repeated.",
    `RSS: the renderer process of the page and its search worker right after ready (peak: its` +
      ` VmHWM). Consent: the pictures line must offer to save them (pictures above` +
      ` ${MB(ASK_ABOVE_BYTES)} MB ask first) and no thumbnail pack may be fetched by itself.`,
  ];
  const body = [
    '',
    table(
      ['items', 'ready ms', ...KINDS.map((k) => `${k} MB`), 'requests', 'RSS MB', 'peak RSS MB'],
      [
        [
          count,
          result.ready_ms,
          ...KINDS.map((k) => result[`${k}_mb`]),
          result.requests,
          result.rss_mb,
          result.peak_rss_mb,
        ],
      ],
    ),
    '',
    `Pictures line once ready: "${out[0].pictures.text}".`,
  ];
  return {
    suite: 'startup-100k',
    machine,
    cases: [{ count, models: app.models, written: app.written.bytes, ...result, asked }],
    targets,
    notes,
    markdown: suiteSection(
      '## Startup, 100k synthetic catalog (`npm run bench -- --suite startup-100k`)',
      machine,
      body,
      targets,
      notes,
    ),
  };
}

export const startup100kSuite: BenchSuite = {
  name: 'startup-100k',
  description: 'a 100k-item synthetic catalog: bytes and memory at ready, consent for its pictures',
  run,
};
