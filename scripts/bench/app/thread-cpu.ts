/**
 * CPU time per thread of a process, from /proc (utime + stime of each task, summed by thread
 * name): robust to a loaded machine, unlike wall time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Browser } from '@playwright/test';

/** Clock ticks per second of /proc's utime and stime (Linux's USER_HZ). */
const TICKS_PER_SECOND = 100;

/** Thread name → CPU ms so far, summed over threads of the same name. */
export function threadCpu(pid: number): Map<string, number> {
  const totals = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // The name is in parentheses and may hold spaces: fields resume after the last ')'.
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      totals.set(name, (totals.get(name) ?? 0) + (ticks * 1000) / TICKS_PER_SECOND);
    } catch {
      // the thread ended meanwhile
    }
  }
  return totals;
}

/** CPU ms per thread name spent between two `threadCpu` readings, largest first. */
export function cpuBetween(
  before: Map<string, number>,
  after: Map<string, number>,
): [string, number][] {
  return [...after]
    .map(([name, ms]): [string, number] => [name, ms - (before.get(name) ?? 0)])
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1]);
}

/** The renderer process with the most resident memory (the app's page and its workers). */
export async function appRendererPid(browser: Browser): Promise<number> {
  const session = await browser.newBrowserCDPSession();
  try {
    const info = (await session.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    let best = { pid: 0, rss: -1 };
    for (const { type, id } of info.processInfo) {
      if (type !== 'renderer') continue;
      try {
        const rss = Number(/VmRSS:\s*(\d+)/.exec(readFileSync(`/proc/${id}/status`, 'utf8'))?.[1]);
        if (rss > best.rss) best = { pid: id, rss };
      } catch {
        // the process ended meanwhile
      }
    }
    if (!best.pid) throw new Error('no renderer process');
    return best.pid;
  } finally {
    await session.detach();
  }
}
