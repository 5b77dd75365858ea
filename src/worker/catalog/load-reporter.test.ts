import { describe, expect, it } from 'vitest';
import type { LoadUpdate } from '../../engine-api/api-types.ts';
import { LoadReporter } from './load-reporter.ts';

describe('LoadReporter', () => {
  it('sends status changes at once and throttles progress within a status', () => {
    const sent: LoadUpdate[] = [];
    let time = 0;
    const reporter = new LoadReporter(
      (u) => sent.push(u),
      100,
      () => time,
    );
    const bytes = (loadedBytes: number) => ({
      phase: 'shards' as const,
      loadedBytes,
      totalBytes: 1000,
    });
    reporter.report('loading', null);
    reporter.report('downloading', bytes(10));
    time = 50;
    reporter.report('downloading', bytes(20)); // throttled
    time = 120;
    reporter.report('downloading', bytes(30));
    time = 130;
    reporter.report('downloading', bytes(1000), true); // forced: a file finished
    reporter.report('ready', null);
    expect(sent.map((u) => [u.status, u.progress?.loadedBytes ?? null])).toEqual([
      ['loading', null],
      ['downloading', 10],
      ['downloading', 30],
      ['downloading', 1000],
      ['ready', null],
    ]);
  });

  it("sends a copy, so later changes to the caller's object do not leak", () => {
    const sent: LoadUpdate[] = [];
    const reporter = new LoadReporter((u) => sent.push(u));
    const progress = { phase: 'indexing' as const, loadedBytes: 1, totalBytes: 2 };
    reporter.report('indexing', progress);
    progress.loadedBytes = 2;
    expect(sent[0].progress?.loadedBytes).toBe(1);
  });
});
