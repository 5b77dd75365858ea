/**
 * The startup suite, measured like a phone: navigation to the status line reading "ready" in the
 * built app (demo catalog, headless Chromium), on a plain static host and on vite preview, and
 * the same cold visit on a 10 Mbit/s, 60 ms link. Each cold visit's bytes before "ready" by kind,
 * its requests, any file sent whole twice and the renderer's RSS come from the host's own log.
 */
import { launchBrowser } from '../app/app-page.ts';
import { buildApp, serveApp } from '../app/app-server.ts';
import { PHONE_PROFILE, type LinkProfile } from '../app/link.ts';
import { startMeteredHost, type Origin } from '../app/metered-host.ts';
import { startupVisit, type VisitTimes } from '../app/startup-visit.ts';
import { suiteSection } from '../markdown-report.ts';
import type { BenchSuite, SuiteOptions, SuiteReport } from '../types.ts';
import {
  bytesTable,
  coldTargets,
  summariseHost,
  timesTable,
  type HostResult,
} from '../app/startup-report.ts';

interface HostSetup {
  name: string;
  origin: Origin;
  profile: LinkProfile | null;
  /** Warm and offline reloads after each cold visit (0: cold only). */
  reps: number;
}

async function measureHost(
  setup: HostSetup,
  visits: number,
  log: (line: string) => void,
): Promise<VisitTimes[]> {
  const host = await startMeteredHost(setup.origin);
  host.setProfile(setup.profile);
  const browser = await launchBrowser();
  try {
    const results: VisitTimes[] = [];
    for (let v = 0; v < visits; v++) {
      const visit = await startupVisit(
        browser,
        host,
        setup.reps,
        setup.profile ? 600_000 : 300_000,
      );
      results.push(visit);
      log(
        `  ${setup.name}, visit ${v + 1}: cold ${Math.round(visit.cold.readyMs)} ms` +
          (visit.warm.length ? `, warm ${visit.warm.map(Math.round).join(', ')} ms` : '') +
          (visit.offline.length ? `, offline ${visit.offline.map(Math.round).join(', ')} ms` : ''),
      );
    }
    return results;
  } finally {
    await browser.close();
    await host.stop();
  }
}

async function chromiumVersion(): Promise<string> {
  const browser = await launchBrowser();
  try {
    return `Chromium ${browser.version()}`;
  } finally {
    await browser.close();
  }
}

async function run(options: SuiteOptions): Promise<SuiteReport> {
  const { log, quick } = options;
  const visits = quick ? 1 : 3;
  const reps = quick ? 1 : 2;
  const outDir = await buildApp(log);
  const preview = await serveApp(outDir);
  const version = await chromiumVersion();
  log(`  ${version}`);
  const setups: HostSetup[] = [
    { name: 'static host', origin: { folder: outDir }, profile: null, reps },
    { name: 'vite preview', origin: { relayTo: preview.url }, profile: null, reps },
    {
      name: `static host, ${PHONE_PROFILE.name}`,
      origin: { folder: outDir },
      profile: PHONE_PROFILE,
      reps: 0,
    },
    // Hosts that cannot send COOP/COEP (many static hosts): no SharedArrayBuffer, one thread.
    {
      name: 'static host without COOP/COEP',
      origin: { folder: outDir, isolated: false },
      profile: null,
      reps,
    },
  ];
  const hosts: HostResult[] = [];
  try {
    for (const setup of setups) {
      hosts.push(summariseHost(setup.name, await measureHost(setup, visits, log)));
    }
  } finally {
    await preview.stop();
  }
  const machine = { ...options.machine, browser: version };
  const targets = coldTargets(hosts[0], hosts[2]);
  const notes = [
    `${visits} fresh browser contexts (empty profiles) per host; on loopback each cold visit is` +
      ` followed by ${reps} reloads (warm) and ${reps} with the context offline. Times run from` +
      ' navigation start to the status line reading "ready", on the page\'s own clock. Each cold' +
      ' visit starts in a tab that has idled 2 s on about:blank, as in a browser already running' +
      " (headless Chromium builds a new context's window, about 0.9 s of CPU, as it opens).",
    'Hosts: "static host" is a plain Node file server (Range, ETag, COOP/COEP, no compression,' +
      ' no cache headers) serving the built folder; "vite preview" is relayed through the same' +
      ' logging front. Bytes are response bodies as the front sent them, split at the instant' +
      ' the page saw "ready"; "whole twice" lists files sent whole (200, to the end) more than' +
      ' once during the cold visit, until the precache is complete and the network quiet.' +
      ' "Without COOP/COEP" is the same server without those headers, as many static hosts are:' +
      ' no cross-origin isolation on the cold visit, so ONNX Runtime runs one thread. Its reloads' +
      ' are served by the service worker, which adds the headers: isolated, two threads. The' +
      " first isolated start compiles the runtime afresh (V8's cached code was made for unshared" +
      ' memory) and these reloads come at "ready", before V8 writes a new cache: a shopper who' +
      ' stays a few seconds gets isolated starts of about 1.4 s from the next visit on' +
      ' (docs/startup.md).',
    `The phone profile throttles at that front: one ${PHONE_PROFILE.downMbps} Mbit/s downlink` +
      ` shared by every response, ${PHONE_PROFILE.rttMs} ms before each response (twice on a new` +
      " connection), so the worker's and the service worker's requests are throttled too. A" +
      ' sender a few ms late does not idle the link (up to 10 ms of slack: a real link sends' +
      " what the sender's window holds).",
    'RSS: the largest renderer process (the page with its dedicated worker) right after ready.',
    'The catalog is the demo catalog from public/catalog.',
  ];
  const cases = hosts as unknown as Record<string, unknown>[];
  const markdown = suiteSection(
    '## Startup: navigation → ready (`npm run bench -- --suite startup`)',
    machine,
    ['', timesTable(hosts), '', bytesTable(hosts)],
    targets,
    notes,
  );
  return { suite: 'startup', machine, cases, targets, notes, markdown };
}

export const startupSuite: BenchSuite = {
  name: 'startup',
  description: 'cold, warm and offline start to ready; bytes by kind; a phone-speed cold visit',
  run,
};
