/** Describes the machine a benchmark ran on, for the report and BENCHMARKS.md. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import type { Machine } from './types.ts';

/** os.cpus() says "AMD EPYC" on some VMs; /proc/cpuinfo may know more (family/model). */
function cpuName(): string {
  const name = cpus()[0]?.model.trim() ?? 'unknown CPU';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (key: string) => new RegExp(`^${key}\\s*:\\s*(.+)$`, 'm').exec(info)?.[1];
    const family = field('cpu family');
    const model = field('model');
    const flags = field('flags') ?? '';
    const features = ['avx2', 'avx512f', 'avx_vnni', 'avx512_vnni'].filter((f) =>
      flags.split(' ').includes(f),
    );
    return `${name} (family ${family}, model ${model}; ${features.join(', ')})`;
  } catch {
    return name;
  }
}

export function describeMachine(): Machine {
  return {
    cpu: cpuName(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    loadAverage: Math.round(loadavg()[0] * 10) / 10,
  };
}

export function machineLine(machine: Machine): string {
  return (
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM; ${machine.os}; ` +
    `Node ${machine.node}${machine.browser ? `; ${machine.browser}` : ''}; ` +
    `load average ${machine.loadAverage} at the start`
  );
}
