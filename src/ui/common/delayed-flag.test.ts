import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DelayedFlag } from './delayed-flag.svelte.ts';

describe('DelayedFlag', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('turns on only after being wanted for the whole delay', () => {
    const flag = new DelayedFlag(300);
    flag.want(true);
    vi.advanceTimersByTime(299);
    expect(flag.on).toBe(false);
    vi.advanceTimersByTime(1);
    expect(flag.on).toBe(true);
  });

  it('never turns on for work over before the delay', () => {
    const flag = new DelayedFlag(300);
    flag.want(true);
    vi.advanceTimersByTime(200);
    flag.want(false);
    vi.advanceTimersByTime(1000);
    expect(flag.on).toBe(false);
  });

  it('counts the delay from the first want, not from a repeated one', () => {
    const flag = new DelayedFlag(300);
    flag.want(true);
    vi.advanceTimersByTime(200);
    flag.want(true);
    vi.advanceTimersByTime(100);
    expect(flag.on).toBe(true);
  });

  it('turns off at once and waits the full delay again', () => {
    const flag = new DelayedFlag(300);
    flag.want(true);
    vi.advanceTimersByTime(300);
    flag.want(false);
    expect(flag.on).toBe(false);
    flag.want(true);
    vi.advanceTimersByTime(299);
    expect(flag.on).toBe(false);
  });
});
