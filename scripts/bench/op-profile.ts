/**
 * Sums onnxruntime's profiler events (the JSON lines onnxruntime-web prints on the console at
 * endProfiling) by operator type: each type's share of the node time, heaviest first.
 */

interface ProfileEvent {
  cat?: string;
  dur?: number;
  args?: { op_name?: string };
}

/** Console lines of `runs` profiled runs in; lines like "QLinearConv 61.2 % 20.1 ms/run (34 nodes)" out. */
export function opProfile(lines: string[], runs: number): string[] {
  const byOp = new Map<string, { us: number; names: Set<string> }>();
  for (const line of lines) {
    // Each event is printed as one JSON object, possibly with a trailing comma.
    const text = line.trim().replace(/,$/, '');
    if (!text.startsWith('{') || !text.includes('"op_name"')) continue;
    let event: ProfileEvent & { name?: string };
    try {
      event = JSON.parse(text) as ProfileEvent & { name?: string };
    } catch {
      continue;
    }
    const op = event.args?.op_name;
    if (event.cat !== 'Node' || !op || !event.name?.endsWith('_kernel_time')) continue;
    const entry = byOp.get(op) ?? { us: 0, names: new Set<string>() };
    entry.us += event.dur ?? 0;
    entry.names.add(event.name);
    byOp.set(op, entry);
  }
  const total = [...byOp.values()].reduce((a, b) => a + b.us, 0);
  return [...byOp.entries()]
    .sort((a, b) => b[1].us - a[1].us)
    .map(
      ([op, e]) =>
        `${op.padEnd(22)} ${((100 * e.us) / total).toFixed(1).padStart(5)} % ` +
        `${(e.us / 1000 / runs).toFixed(2).padStart(7)} ms/run  (${e.names.size} nodes)`,
    );
}
