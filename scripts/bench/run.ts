/**
 * `npm run bench -- [--suite NAME]... [--json] [--out FILE] [--quick] [--no-write]`: runs
 * benchmark suites, prints pass/miss lines for their targets (without failing), writes their
 * BENCHMARKS.md sections, and with --json prints one JSON object on stdout ({ machine, <suite>:
 * report, ..., targets }; progress and pass/miss lines go to stderr; `npm run -s` drops npm's
 * own banner) or, with --out, into FILE. A suite that throws is reported and the others still
 * run; the command then exits 1. Targets never fail it.
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
const failed: Record<string, string> = {};
for (const name of names) {
  const suite = await suites[name]();
  log(`bench: ${suite.name}: ${suite.description}`);
  const started = performance.now();
  let report: SuiteReport;
  try {
    report = await suite.run({ quick: values.quick, log, machine: describeMachine() });
  } catch (error) {
    // One broken suite must not cost the others' results: report it, fail the command at the end.
    failed[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`bench: ${name} FAILED: ${failed[name]}`);
    continue;
  }
  reports.push(report);
  for (const t of report.targets) {
    log(`${t.pass ? 'pass' : 'MISS'}  ${t.name}: ${t.value} ${t.unit} (target ${t.target})`);
  }
  log(`bench: ${name} took ${Math.round((performance.now() - started) / 1000)} s`);
  // A quick run is a smoke test: its numbers do not belong in BENCHMARKS.md.
  if (!values['no-write'] && !values.quick) {
    writeSection(resolve(root, 'BENCHMARKS.md'), report.suite, report.markdown, report.targets);
    log(`bench: wrote the ${report.suite} section of BENCHMARKS.md`);
  }
}

// Every target of the run together, so one glance says what passed.
const targets = reports.flatMap((r) => r.targets.map((t) => ({ suite: r.suite, ...t })));
if (names.length > 1) {
  log('bench: targets');
  for (const t of targets) {
    log(
      `${t.pass ? 'pass' : 'MISS'}  [${t.suite}] ${t.name}: ${t.value} ${t.unit} (target ${t.target})`,
    );
  }
}

/** One object: the machine, then each suite's report under its name (without its markdown). */
const document: Record<string, unknown> = {
  generated: new Date().toISOString(),
  machine: describeMachine(),
  quick: values.quick,
};
for (const report of reports) {
  const { markdown, ...data } = report;
  void markdown; // BENCHMARKS.md holds it
  document[report.suite] = data;
}
for (const [name, error] of Object.entries(failed)) document[name] = { suite: name, error };
document.targets = targets;
const json = JSON.stringify(document, null, 2);
if (values.json) console.log(json);
if (values.out) writeFileSync(resolve(values.out), `${json}\n`);
if (Object.keys(failed).length) process.exitCode = 1;
