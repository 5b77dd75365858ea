/** The startup suite's figures per host: medians of its visits, tables, and the targets. */
import { table } from '../markdown-report.ts';
import { median, round } from '../stats.ts';
import type { TargetCheck } from '../types.ts';
import type { VisitTimes } from './startup-visit.ts';
import { KINDS, MB, summarise, type Kind } from './transfer-summary.ts';

export interface HostResult {
  host: string;
  times_ms: { cold: number[]; warm: number[]; offline: number[] };
  median_ms: { cold: number; warm: number | null; offline: number | null };
  /** Medians over the cold visits, before "ready". */
  ready_mb: Record<Kind, number>;
  ready_mb_total: number;
  ready_mb_without_runtime: number;
  ready_requests: number;
  /** The whole cold visit (loopback hosts only), all kinds. */
  visit_mb_total: number | null;
  visit_requests: number | null;
  /** Non-shell files sent whole more than once in a cold visit: path → most times in one visit. */
  whole_twice: Record<string, number>;
  shell_twice: Record<string, number>;
  rss_mb: number;
}

const mid = (values: number[]) => (values.length ? round(median(values)) : null);

function mostTimes(maps: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const map of maps)
    for (const [k, n] of Object.entries(map)) out[k] = Math.max(out[k] ?? 0, n);
  return out;
}

export function summariseHost(host: string, visits: VisitTimes[]): HostResult {
  const ready = visits.map((v) => summarise(v.cold.beforeReady));
  const whole = visits.flatMap((v) => (v.cold.wholeVisit ? [summarise(v.cold.wholeVisit)] : []));
  const seen = whole.length ? whole : ready;
  const cold = visits.map((v) => v.cold.readyMs);
  const warm = visits.flatMap((v) => v.warm);
  const offline = visits.flatMap((v) => v.offline);
  const readyMb = Object.fromEntries(
    KINDS.map((k) => [k, MB(median(ready.map((s) => s.bytes[k])))]),
  ) as Record<Kind, number>;
  return {
    host,
    times_ms: { cold: cold.map(round), warm: warm.map(round), offline: offline.map(round) },
    median_ms: { cold: mid(cold)!, warm: mid(warm), offline: mid(offline) },
    ready_mb: readyMb,
    ready_mb_total: MB(median(ready.map((s) => s.total))),
    ready_mb_without_runtime: MB(median(ready.map((s) => s.total - s.bytes.runtime))),
    ready_requests: median(ready.map((s) => s.requests)),
    visit_mb_total: whole.length ? MB(median(whole.map((s) => s.total))) : null,
    visit_requests: whole.length ? median(whole.map((s) => s.requests)) : null,
    whole_twice: mostTimes(seen.map((s) => s.wholeTwice)),
    shell_twice: mostTimes(seen.map((s) => s.shellTwice)),
    rss_mb: MB(median(visits.map((v) => v.cold.rss))),
  };
}

export function timesTable(hosts: HostResult[]): string {
  const ms = (values: number[]) => (values.length ? values.map(Math.round).join(' / ') : '–');
  return table(
    [
      'host',
      'cold median ms',
      'warm median ms',
      'offline median ms',
      'cold runs',
      'warm runs',
      'offline runs',
    ],
    hosts.map((h) => [
      h.host,
      h.median_ms.cold,
      h.median_ms.warm ?? '–',
      h.median_ms.offline ?? '–',
      ms(h.times_ms.cold),
      ms(h.times_ms.warm),
      ms(h.times_ms.offline),
    ]),
  );
}

export function bytesTable(hosts: HostResult[]): string {
  const twice = (map: Record<string, number>) =>
    Object.entries(map)
      .map(([path, n]) => `${path} ×${n}`)
      .join(', ') || 'none';
  return table(
    [
      'host',
      ...KINDS.map((k) => `${k} MB`),
      'total MB before ready',
      'requests before ready',
      'whole cold visit MB (requests)',
      'renderer RSS at ready MB',
      'files sent whole twice',
      'shell files sent whole twice',
    ],
    hosts.map((h) => [
      h.host,
      ...KINDS.map((k) => h.ready_mb[k]),
      h.ready_mb_total,
      h.ready_requests,
      h.visit_mb_total === null ? '–' : `${h.visit_mb_total} (${h.visit_requests})`,
      h.rss_mb,
      twice(h.whole_twice),
      twice(h.shell_twice),
    ]),
  );
}

/** Issue 14's acceptance figures, on the plain static host (loopback) and the phone profile. */
export function coldTargets(loopback: HostResult, phone: HostResult): TargetCheck[] {
  const check = (name: string, target: string, value: number, unit: string, pass: boolean) => ({
    name,
    target,
    value,
    unit,
    pass,
  });
  const twice = Object.keys(loopback.whole_twice).length;
  return [
    check(
      'cold → ready, static host, median',
      '≤ 2.5 s',
      loopback.median_ms.cold,
      'ms',
      loopback.median_ms.cold <= 2500,
    ),
    check(
      'cold → ready, 10 Mbit/s 60 ms, median',
      '≤ 8 s',
      phone.median_ms.cold,
      'ms',
      phone.median_ms.cold <= 8000,
    ),
    check(
      'warm → ready, median',
      '≤ 0.8 s',
      loopback.median_ms.warm ?? NaN,
      'ms',
      (loopback.median_ms.warm ?? Infinity) <= 800,
    ),
    check(
      'offline → ready, median',
      '≤ 0.8 s',
      loopback.median_ms.offline ?? NaN,
      'ms',
      (loopback.median_ms.offline ?? Infinity) <= 800,
    ),
    check(
      'bytes before ready, without the ORT .wasm',
      '≤ 7 MB',
      loopback.ready_mb_without_runtime,
      'MB',
      loopback.ready_mb_without_runtime <= 7,
    ),
    check(
      'pictures before ready',
      '0 MB',
      loopback.ready_mb.pictures,
      'MB',
      loopback.ready_mb.pictures === 0,
    ),
    check('non-shell files sent whole twice in a cold visit', '0', twice, 'files', twice === 0),
    check('renderer RSS at ready', '≤ 200 MB', loopback.rss_mb, 'MB', loopback.rss_mb <= 200),
  ];
}
