/**
 * Injected into the app before its own scripts (an init script, bundled as an IIFE): records
 * when the status line reads "ready", keeps the worker's search replies with their arrival time
 * (a listener on every Worker, ahead of comlink's), and drives photo searches through the file
 * input, timing each to the frame that paints its results. It reads the app; it changes nothing.
 */
import type { BenchProbe, QuerySample, StageTimings } from './probe-protocol.ts';

interface Reply {
  at: number;
  timings: StageTimings;
}

const replies: Reply[] = [];
let photos: File[] = [];

const NativeWorker = globalThis.Worker;
globalThis.Worker = class extends NativeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    // comlink answers with { id, type: 'RAW', value }; a search's value carries its timings.
    this.addEventListener('message', (event: MessageEvent) => {
      const value = (event.data as { value?: { timings?: StageTimings; results?: unknown } } | null)
        ?.value;
      if (value?.timings && Array.isArray(value.results)) {
        replies.push({ at: performance.now(), timings: value.timings });
      }
    });
  }
};

const probe: BenchProbe = {
  readyAt: null,
  statuses: [],
  setPhotos(list) {
    photos = list.map(
      ({ name, base64 }) =>
        new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, {
          type: 'image/jpeg',
        }),
    );
  },
  query,
};
Object.assign(globalThis, { __bench: probe });

const statusText = () => document.querySelector('[data-testid="status"]')?.textContent?.trim();
new MutationObserver(() => {
  const text = statusText();
  if (text && probe.statuses.at(-1) !== text) probe.statuses.push(text);
  if (text === 'ready' && probe.readyAt === null) {
    probe.readyAt = performance.now();
    // The startup suite's binding (when exposed) snapshots the server's log: the requests made by
    // this instant (wall clock), as the binding's call reaches Node a little later.
    (globalThis as { __benchOnReady?: (at: number) => unknown }).__benchOnReady?.(
      performance.timeOrigin + probe.readyAt,
    );
  }
}).observe(document, { subtree: true, childList: true, characterData: true });

const searchesDone = () =>
  Number(document.querySelector('[data-testid="results"]')?.getAttribute('data-searches') ?? 0);

/** Resolves at the first DOM mutation after which `done()` holds. */
function whenDom(done: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error('no results within the time limit'));
    }, timeoutMs);
    observer.observe(document, { subtree: true, childList: true, attributes: true });
  });
}

/** After the next frame is painted: a task queued from requestAnimationFrame runs after paint. */
const afterPaint = () =>
  new Promise<void>((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    }),
  );

async function query(i: number, pauseMs = 0): Promise<QuerySample> {
  // The previous results' thumbnails load meanwhile: back to back, they share the cores.
  if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  const input = document.querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error('the app has no file input');
  if (!photos.length) throw new Error('setPhotos first');
  const before = searchesDone();
  const seen = replies.length;
  const files = new DataTransfer();
  files.items.add(photos[i % photos.length]);
  input.files = files.files;
  const started = performance.now();
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await whenDom(() => searchesDone() > before, 60_000);
  const domAt = performance.now();
  await afterPaint();
  const paintedAt = performance.now();
  const reply = replies.slice(seen).at(-1);
  if (!reply) throw new Error('results appeared without a worker reply');
  replies.length = 0; // keep nothing across 1,000 queries
  const results = document.querySelectorAll('[data-testid="result"]');
  return {
    totalMs: paintedAt - started,
    renderMs: paintedAt - reply.at,
    domMs: domAt - reply.at,
    replyMs: reply.at - started,
    stages: reply.timings,
    results: results.length,
    firstId: results[0]?.getAttribute('data-id') ?? null,
  };
}
