/**
 * `npm run bench -- [--suite NAME]... [--json] [--out FILE] [--quick] [--no-write]`: runs
 * benchmark suites, prints pass/miss lines for their targets (without failing), writes their
 * BENCHMARKS.md sections, and with --json prints one JSON document on stdout (progress goes to
 * stderr; `npm run -s` drops npm's own banner) or, with --out, into FILE.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine } from './machine.ts';
import { writeSection } from './markdown-report.ts';
import { suites } from './registry.ts';
import type { SuiteReport } from './types.ts';

const root = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    suite: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});

const names = (values.suite ?? Object.keys(suites)).flatMap((s) => s.split(','));
for (const name of names) {
  if (!suites[name]) {
    console.error(`bench: no suite "${name}"; suites: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const reports: SuiteReport[] = [];
for (const name of names) {
  const suite = await suites[name]();
  log(`bench: ${suite.name}: ${suite.description}`);
  const report = await suite.run({ quick: values.quick, log, machine: describeMachine() });
  reports.push(report);
  for (const t of report.targets) {
    log(`${t.pass ? 'pass' : 'MISS'}  ${t.name}: ${t.value} ${t.unit} (target ${t.target})`);
  }
  // A quick run is a smoke test: its numbers do not belong in BENCHMARKS.md.
  if (!values['no-write'] && !values.quick) {
    writeSection(resolve(root, 'BENCHMARKS.md'), report.suite, report.markdown);
    log(`bench: wrote the ${report.suite} section of BENCHMARKS.md`);
  }
}

const reportsOnly = reports.map(({ markdown: _markdown, ...report }) => report);
const json = JSON.stringify(reportsOnly.length === 1 ? reportsOnly[0] : reportsOnly, null, 2);
if (values.json) console.log(json);
if (values.out) writeFileSync(resolve(values.out), `${json}\n`);
