/**
 * A flag that turns on only once it has been wanted for `delayMs` without a break, and off at
 * once: feedback (a spinner, dimmed results) for work a shopper waits on, none for work that is
 * over before they notice. A spinner shown for 60 ms is noise, and every frame of its animation
 * is composited again.
 */
export class DelayedFlag {
  readonly #delayMs: number;
  #on = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  get on(): boolean {
    return this.#on;
  }

  /** Wanting it again while it waits keeps the first start: the wait is for the whole stretch. */
  want(wanted: boolean): void {
    if (!wanted) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#on = false;
    } else if (!this.#on && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#on = true;
      }, this.#delayMs);
    }
  }
}
