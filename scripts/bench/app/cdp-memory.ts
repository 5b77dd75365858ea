/**
 * Memory of the app's page and its workers through the Chrome DevTools Protocol: JS heap
 * (Runtime.getHeapUsage) and ArrayBuffer/WASM backing stores per context, garbage collection
 * (HeapProfiler.collectGarbage), and the renderer process's resident and peak memory (/proc).
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, CDPSession, Page } from '@playwright/test';

export interface HeapUsage {
  /** JS heap in use, bytes. */
  used: number;
  /** ArrayBuffer and WASM memory backing stores, bytes (Chromium's backingStorageSize). */
  backing: number;
}

export interface MemorySample {
  page: HeapUsage;
  /** Summed over the page's dedicated workers (the search worker). */
  workers: HeapUsage;
}

interface Reply {
  id: number;
  result?: Record<string, number>;
  error?: { message: string };
}

const usageOf = (result: Record<string, number> | undefined): HeapUsage => ({
  used: result?.usedSize ?? 0,
  backing: result?.backingStorageSize ?? 0,
});

export class MemoryProbe {
  readonly #session: CDPSession;
  /** Attached worker targets: sessionId → target type. */
  readonly #workers = new Map<string, string>();
  readonly #pending = new Map<number, (reply: Reply) => void>();
  #nextId = 1;

  private constructor(session: CDPSession) {
    this.#session = session;
  }

  /** Attach before navigating: workers are followed as they start. */
  static async attach(context: BrowserContext, page: Page): Promise<MemoryProbe> {
    const session = await context.newCDPSession(page);
    const probe = new MemoryProbe(session);
    session.on('Target.attachedToTarget', (event) => {
      if (event.targetInfo.type === 'worker')
        probe.#workers.set(event.sessionId, event.targetInfo.url);
    });
    session.on('Target.detachedFromTarget', (event) => {
      if (event.sessionId) probe.#workers.delete(event.sessionId);
    });
    session.on('Target.receivedMessageFromTarget', (event) => {
      const reply = JSON.parse(event.message) as Reply;
      probe.#pending.get(reply.id)?.(reply);
      probe.#pending.delete(reply.id);
    });
    // Non-flat sessions: Playwright keeps its own flat ones; messages go through this session.
    await session.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
    return probe;
  }

  #toWorker(sessionId: string, method: string): Promise<Reply> {
    const id = this.#nextId++;
    const reply = new Promise<Reply>((resolve) => this.#pending.set(id, resolve));
    const timeout = new Promise<Reply>((resolve) =>
      setTimeout(() => resolve({ id, error: { message: 'timeout' } }), 10_000),
    );
    void this.#session
      .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) })
      .catch(() => this.#pending.get(id)?.({ id, error: { message: 'detached' } }));
    return Promise.race([reply, timeout]);
  }

  async sample(): Promise<MemorySample> {
    const page = usageOf(
      (await this.#session.send('Runtime.getHeapUsage')) as unknown as Record<string, number>,
    );
    const workers: HeapUsage = { used: 0, backing: 0 };
    for (const sessionId of this.#workers.keys()) {
      const usage = usageOf((await this.#toWorker(sessionId, 'Runtime.getHeapUsage')).result);
      workers.used += usage.used;
      workers.backing += usage.backing;
    }
    return { page, workers };
  }

  /** Full GC in the page and every worker, then a sample. */
  async collectAndSample(): Promise<MemorySample> {
    for (let round = 0; round < 2; round++) {
      await this.#session.send('HeapProfiler.collectGarbage');
      for (const sessionId of this.#workers.keys()) {
        await this.#toWorker(sessionId, 'HeapProfiler.collectGarbage');
      }
    }
    return this.sample();
  }

  get workerCount(): number {
    return this.#workers.size;
  }

  async detach(): Promise<void> {
    await this.#session.detach().catch(() => undefined);
  }
}

/** Samples every `intervalMs` until stopped; keeps the peaks. */
export function samplePeaks(probe: MemoryProbe, intervalMs = 100) {
  const peak: MemorySample = { page: { used: 0, backing: 0 }, workers: { used: 0, backing: 0 } };
  let peakTotal = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const s = await probe.sample().catch(() => null);
      if (s) {
        peak.page.used = Math.max(peak.page.used, s.page.used);
        peak.page.backing = Math.max(peak.page.backing, s.page.backing);
        peak.workers.used = Math.max(peak.workers.used, s.workers.used);
        peak.workers.backing = Math.max(peak.workers.backing, s.workers.backing);
        peakTotal = Math.max(peakTotal, s.page.used + s.workers.used);
      }
      await new Promise((wait) => setTimeout(wait, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peak, peakJsHeap: peakTotal };
    },
  };
}

/** The largest renderer process (the app's page and its workers): resident and peak RSS, bytes. */
export async function rendererMemory(browser: Browser): Promise<{ rss: number; peakRss: number }> {
  const session = await browser.newBrowserCDPSession();
  try {
    const info = (await session.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    let best = { rss: 0, peakRss: 0 };
    for (const process of info.processInfo.filter((p) => p.type === 'renderer')) {
      try {
        const status = readFileSync(`/proc/${process.id}/status`, 'utf8');
        const kb = (field: string) =>
          Number(new RegExp(`${field}:\\s*(\\d+)`).exec(status)?.[1] ?? 0);
        const entry = { rss: kb('VmRSS') * 1024, peakRss: kb('VmHWM') * 1024 };
        if (entry.peakRss > best.peakRss) best = entry;
      } catch {
        // the process ended meanwhile
      }
    }
    return best;
  } finally {
    await session.detach();
  }
}
