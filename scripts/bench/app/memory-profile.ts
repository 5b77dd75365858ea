/**
 * Where a long session's memory goes: `npx tsx scripts/bench/app/memory-profile.ts [searches]`
 * builds and serves the app, runs 20 photo searches, takes a Chromium memory-infra dump of every
 * process, runs `searches` more (default 300) and dumps again, then lists the renderer's
 * allocators (malloc, PartitionAlloc partitions, Oilpan, V8, Skia, discardable, ...) by growth.
 * The memory suite says how much the renderer grows; this says which allocator holds it.
 */
import { readFileSync } from 'node:fs';
import type { Browser, CDPSession } from '@playwright/test';
import { samplePhotos } from '../paths.ts';
import { loadPhotos, newAppContext, queryPhotos, readyMs } from './app-page.ts';
import { rendererMemory } from './cdp-memory.ts';
import { withApp } from './with-app.ts';

interface TraceEvent {
  ph: string;
  pid: number;
  name: string;
  args?: {
    name?: string;
    dumps?: { allocators?: Record<string, { attrs?: { size?: { value: string } } }> };
  };
}

/** One detailed memory dump of every process, as allocator name → bytes per process id. */
async function memoryDump(browser: Browser): Promise<Map<number, Map<string, number>>> {
  const cdp: CDPSession = await browser.newBrowserCDPSession();
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) =>
    events.push(...(value as unknown as TraceEvent[])),
  );
  const complete = new Promise<void>((done) => cdp.once('Tracing.tracingComplete', () => done()));
  await cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: ['disabled-by-default-memory-infra', '__metadata'],
    },
    transferMode: 'ReportEvents',
  });
  await cdp.send('Tracing.requestMemoryDump', { deterministic: true, levelOfDetail: 'detailed' });
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const names = new Map<number, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'process_name') names.set(e.pid, e.args?.name ?? '');
  const byPid = new Map<number, Map<string, number>>();
  for (const e of events) {
    const allocators = e.ph === 'v' ? e.args?.dumps?.allocators : undefined;
    if (!allocators || names.get(e.pid) === 'Browser' || names.get(e.pid) === 'GPU Process')
      continue;
    const sizes = byPid.get(e.pid) ?? new Map<string, number>();
    for (const [name, node] of Object.entries(allocators)) {
      const size = node.attrs?.size?.value;
      if (size !== undefined && name.split('/').length <= 3) sizes.set(name, parseInt(size, 16));
    }
    byPid.set(e.pid, sizes);
  }
  return byPid;
}

const MB = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** Each renderer's resident memory by kind (anonymous, file-backed, shared), from /proc. */
async function residentKinds(browser: Browser): Promise<string[]> {
  const cdp = await browser.newBrowserCDPSession();
  const info = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  await cdp.detach();
  return info.processInfo
    .filter((p) => p.type === 'renderer')
    .map((p) => {
      const status = readFileSync(`/proc/${p.id}/status`, 'utf8');
      const kinds = ['VmRSS', 'RssAnon', 'RssFile', 'RssShmem'].map(
        (field) =>
          `${field} ${MB(Number(new RegExp(`${field}:\\s*(\\d+)`).exec(status)?.[1]) * 1024)}`,
      );
      return `renderer ${p.id}: ${kinds.join(', ')} MB`;
    });
}
const searches = Number(process.argv[2] ?? 300);

await withApp(console.log, async ({ server, browser, version }) => {
  console.log(`${version}; ${searches} searches between the dumps`);
  const context = await newAppContext(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await readyMs(page, 300_000);
  await loadPhotos(page, samplePhotos(50));
  await queryPhotos(page, 0, 20);
  console.log((await residentKinds(browser)).join('\n'));
  const before = await memoryDump(browser);
  const rssBefore = (await rendererMemory(browser)).rss;
  await queryPhotos(page, 20, searches);
  const after = await memoryDump(browser);
  const rssAfter = (await rendererMemory(browser)).rss;
  console.log(`renderer RSS ${MB(rssBefore)} → ${MB(rssAfter)} MB`);
  console.log((await residentKinds(browser)).join('\n'));
  for (const [pid, sizes] of after) {
    const earlier = before.get(pid) ?? new Map<string, number>();
    const rows = [...sizes]
      .map(([name, bytes]) => ({ name, bytes, growth: bytes - (earlier.get(name) ?? 0) }))
      .filter((r) => Math.abs(r.growth) >= 1024 * 1024 || !r.name.includes('/'))
      .sort((a, b) => b.growth - a.growth);
    console.log(
      `renderer ${pid}: every allocator, and the parts that changed by 1 MB or more (MB: before → after)`,
    );
    for (const r of rows) {
      console.log(
        `  ${r.name.padEnd(60)} ${MB(r.bytes - r.growth)} → ${MB(r.bytes)} (${r.growth > 0 ? '+' : ''}${MB(r.growth)})`,
      );
    }
  }
  await context.close();
});
