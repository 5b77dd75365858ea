import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSection } from './markdown-report.ts';
import type { TargetCheck } from './types.ts';

const target = (name: string, value: number, pass: boolean): TargetCheck => ({
  name,
  target: '≤ 5 ms',
  value,
  unit: 'ms',
  pass,
});

describe('BENCHMARKS.md sections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-md-'));
  const path = join(dir, 'BENCHMARKS.md');
  afterEach(() => rmSync(path, { force: true }));

  it('rewrites one suite and keeps the others, with a summary of every target on top', () => {
    writeSection(path, 'search', '## Search\n\nMeasured 2026-01-01 on x.', [
      target('scan', 2, true),
    ]);
    writeSection(path, 'embed', '## Embed\n\nMeasured 2026-01-02 on x.', [
      target('embed', 40, false),
    ]);
    writeSection(path, 'search', '## Search\n\nMeasured 2026-01-03 on y.', [
      target('scan', 3, true),
    ]);
    const text = readFileSync(path, 'utf8');
    expect(text.match(/<!-- bench:search:start -->/g)).toHaveLength(1);
    expect(text).toContain('Measured 2026-01-03 on y.');
    expect(text).not.toContain('2026-01-01');
    expect(text).toContain('## Embed');
    const summary = text.slice(text.indexOf('## Targets'), text.indexOf('## Search'));
    expect(summary).toContain('| search | scan | 3 ms | ≤ 5 ms | pass | 2026-01-03 |');
    expect(summary).toContain('| embed | embed | 40 ms | ≤ 5 ms | **miss** | 2026-01-02 |');
    expect(text.indexOf('## Targets')).toBeLessThan(text.indexOf('## Embed'));
  });

  it('replaces an outdated header and keeps the sections below it', () => {
    writeFileSync(
      path,
      '# Old header\n\n<!-- bench:search:start -->\nold\n<!-- bench:search:end -->\n',
    );
    writeSection(path, 'build', '## Build\n\nMeasured 2026-02-01 on z.', []);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('# Benchmarks\n')).toBe(true);
    expect(text).not.toContain('# Old header');
    expect(text).toContain('<!-- bench:search:start -->\nold\n<!-- bench:search:end -->');
    expect(text).toContain('## Build');
  });
});
