/**
 * User Timing measures for the worker's startup phases, named "lookalike:<phase>", so a profile
 * (the startup bench's --profile, or DevTools' Performance panel) shows where a start's time goes.
 */
const PREFIX = 'lookalike:';

/** Runs `work`, recording its span as a measure (also when it fails). */
export async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    performance.measure(PREFIX + phase, { start, end: performance.now() });
  }
}

/** The same for synchronous work. */
export function timedSync<T>(phase: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    performance.measure(PREFIX + phase, { start, end: performance.now() });
  }
}
