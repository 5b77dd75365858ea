/** A simulated network link: one downlink shared by every response, plus a round-trip time. */

export interface LinkProfile {
  name: string;
  downMbps: number;
  rttMs: number;
}

/** A phone on a fair mobile connection, the yardstick. */
export const PHONE_PROFILE: LinkProfile = { name: '10 Mbit/s, 60 ms RTT', downMbps: 10, rttMs: 60 };

export class Link {
  readonly rttMs: number;
  readonly #bytesPerMs: number;
  /** When the link finishes what it has been given so far (performance.now()). */
  #freeAt = 0;

  constructor(profile: LinkProfile) {
    this.rttMs = profile.rttMs;
    this.#bytesPerMs = (profile.downMbps * 1e6) / 8 / 1000;
  }

  /** Waits until `bytes` queued behind everything already sent would have crossed the link. */
  async transmit(bytes: number): Promise<void> {
    const now = performance.now();
    this.#freeAt = Math.max(now, this.#freeAt) + bytes / this.#bytesPerMs;
    const wait = this.#freeAt - now;
    if (wait > 1) await new Promise((done) => setTimeout(done, wait));
  }
}
