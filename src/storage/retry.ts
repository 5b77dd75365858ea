/** Retries a flaky async step with exponential backoff, for network errors and 5xx answers. */

export interface RetryOptions {
  /** Total tries, the first included. */
  attempts: number;
  /** Delay before the second try; doubles each time. */
  baseDelayMs: number;
  signal?: AbortSignal;
  /** Whether a failure is worth another try (a 404 or a checksum mismatch is not). */
  retryable: (error: unknown) => boolean;
  /** Injected in tests; waits `ms` unless the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The delay before try `attempt + 1` (attempt counts from 1): base * 2^(attempt-1), ±25% jitter. */
export function backoffDelay(attempt: number, baseDelayMs: number, random = Math.random): number {
  const jitter = 0.75 + random() * 0.5;
  return Math.round(baseDelayMs * 2 ** (attempt - 1) * jitter);
}

export async function withRetry<T>(step: () => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      const delay = backoffDelay(attempt, options.baseDelayMs);
      options.onRetry?.(error, attempt, delay);
      await wait(delay, options.signal);
    }
  }
}
