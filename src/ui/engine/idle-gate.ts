/**
 * Counts the work in flight that others should not compete with (searches), and lets lesser work
 * (decoding result pictures) wait until none is: on a 2-core phone, a picture decoded while the
 * next search embeds slows that search, and a picture of superseded results is never needed.
 */
export class IdleGate {
  #busy = 0;
  #waiting: (() => void)[] = [];

  /** Marks one piece of work in flight; call the returned function once when it ends. */
  enter(): () => void {
    this.#busy++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--this.#busy > 0) return;
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const resolve of waiting) resolve();
    };
  }

  /** Resolves at once when nothing is in flight, else when the last piece ends. */
  idle(): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  get busy(): boolean {
    return this.#busy > 0;
  }
}
