/**
 * Where a search's render time goes: the built app searches photos at a shopper's pace under a
 * Chromium trace, and the page's main-thread events inside each render window (the worker's
 * reply → the frame that paints the results, as the e2e suite times it) are summed by name.
 * Run: `nice -n 10 npx tsx scripts/bench/app/render-trace.ts [searches, default 20] [built app
 * folder]` (without a folder it builds the app; pass a `vite build --minify false` output to read
 * function names in the trace, written to render-trace.json in the system's temp folder).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paceSearches, withSearchPage } from './search-page.ts';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
}

const searches = Number(process.argv[2] ?? 20);
const log = (line: string) => console.log(line);
await withSearchPage(searches + 5, process.argv[3], async ({ context, page }) => {
  // Each search marks its render window as a User Timing measure, which the trace records.
  await paceSearches(page, 0, 5);
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((done) => cdp.once('Tracing.tracingComplete', () => done()));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing',
    transferMode: 'ReportEvents',
  });
  const samples = await paceSearches(page, 5, searches);
  await cdp.send('Tracing.end');
  await complete;

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  log(
    `render p50 ${median(samples.map((s) => s.renderMs)).toFixed(1)} ms, of which up to the ` +
      `DOM change ${median(samples.map((s) => s.domMs)).toFixed(1)} ms (${searches} searches)`,
  );
  const begins = events.filter((e) => e.name === 'render' && e.ph === 'b');
  const ends = events.filter((e) => e.name === 'render' && e.ph === 'e');
  const windows = begins.map((b, i) => [b.ts, ends[i]?.ts ?? b.ts] as const);
  // The page's main thread: the one that recalculates styles most.
  const styleCounts = new Map<string, number>();
  for (const e of events) {
    if (e.name === 'UpdateLayoutTree') {
      const key = `${e.pid}:${e.tid}`;
      styleCounts.set(key, (styleCounts.get(key) ?? 0) + 1);
    }
  }
  const main = [...styleCounts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const totals = new Map<string, number>();
  for (const e of events) {
    if (`${e.pid}:${e.tid}` !== main || e.ph !== 'X' || !e.dur) continue;
    if (!windows.some(([from, to]) => e.ts >= from && e.ts <= to)) continue;
    totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur);
  }
  log('main-thread events inside the render windows, ms per search (nested events overlap):');
  for (const [name, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    log(`  ${(us / 1000 / windows.length).toFixed(2).padStart(7)}  ${name}`);
  }
  const file = join(tmpdir(), 'render-trace.json');
  writeFileSync(file, JSON.stringify({ traceEvents: events }));
  log(`trace: ${file} (open it in Perfetto)`);
});
