/** Turns the loader's byte counts into LoadUpdates for the page, at most every `intervalMs`. */
import type { EngineStatus, LoadProgress, LoadUpdate } from '../../engine-api/api-types.ts';

export class LoadReporter {
  #send: (update: LoadUpdate) => void;
  #intervalMs: number;
  #now: () => number;
  #lastStatus: EngineStatus | null = null;
  #lastSent = -Infinity;

  constructor(send: (update: LoadUpdate) => void, intervalMs = 100, now = () => performance.now()) {
    this.#send = send;
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /**
   * Reports a status change at once; repeated progress of the same status only once per
   * interval, unless `force` (a phase finished).
   */
  report(status: EngineStatus, progress: LoadProgress | null, force = false): void {
    const now = this.#now();
    if (status === this.#lastStatus && !force && now - this.#lastSent < this.#intervalMs) return;
    this.#lastStatus = status;
    this.#lastSent = now;
    this.#send({ status, progress: progress && { ...progress } });
  }
}
