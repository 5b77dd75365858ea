/**
 * Which page functions a search's results cost: the built app searches photos at a shopper's
 * pace under V8's sampling profiler (the page's main thread), and self time is summed by
 * function. Run: `npx tsx scripts/bench/app/render-profile.ts [searches, default 20] [built app
 * folder]`; pass a `vite build --minify false` output to read function names.
 */
import { paceSearches, withSearchPage } from './search-page.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

const searches = Number(process.argv[2] ?? 20);
const log = (line: string) => console.log(line);
await withSearchPage(searches + 5, process.argv[3], async ({ context, page }) => {
  await paceSearches(page, 0, 5);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await paceSearches(page, 5, searches);
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
    profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  };
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byNode.get(id)!.callFrame;
    const file = url.split('/').pop() ?? '';
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  log(`self time on the page's main thread, ms per search (${searches} searches, 0.7 s apart):`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    log(`  ${(us / 1000 / searches).toFixed(2).padStart(7)}  ${key}`);
  }
});
