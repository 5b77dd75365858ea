import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetry } from './retry.ts';

describe('withRetry', () => {
  it('retries retryable failures with doubling delays, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const value = await withRetry(
      () => {
        calls++;
        if (calls < 3) return Promise.reject(new TypeError('Failed to fetch'));
        return Promise.resolve('ok');
      },
      {
        attempts: 4,
        baseDelayMs: 100,
        retryable: (e) => e instanceof TypeError,
        sleep: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
      },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(75);
    expect(delays[0]).toBeLessThanOrEqual(125);
    expect(delays[1]).toBeGreaterThanOrEqual(150);
    expect(delays[1]).toBeLessThanOrEqual(250);
  });

  it('gives up after the last attempt with the last error', async () => {
    let calls = 0;
    const run = withRetry(
      () => {
        calls++;
        return Promise.reject(new TypeError(`fail ${calls}`));
      },
      { attempts: 3, baseDelayMs: 1, retryable: () => true, sleep: () => Promise.resolve() },
    );
    await expect(run).rejects.toThrow('fail 3');
    expect(calls).toBe(3);
  });

  it('does not retry a failure that is not retryable', async () => {
    let calls = 0;
    const run = withRetry(
      () => {
        calls++;
        return Promise.reject(new Error('404'));
      },
      { attempts: 5, baseDelayMs: 1, retryable: () => false },
    );
    await expect(run).rejects.toThrow('404');
    expect(calls).toBe(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const run = withRetry(() => Promise.reject(new TypeError('offline')), {
      attempts: 5,
      baseDelayMs: 60_000,
      retryable: () => true,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new DOMException('stop', 'AbortError')), 10);
    await expect(run).rejects.toThrow('stop');
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt within ±25% jitter', () => {
    expect(backoffDelay(1, 500, () => 0.5)).toBe(500);
    expect(backoffDelay(3, 500, () => 0.5)).toBe(2000);
    expect(backoffDelay(2, 500, () => 0)).toBe(750);
    expect(backoffDelay(2, 500, () => 1)).toBe(1250);
  });
});
