/** A simulated network link: one downlink shared by every response, plus a round-trip time. */

export interface LinkProfile {
  name: string;
  downMbps: number;
  rttMs: number;
}

/** A phone on a fair mobile connection, the yardstick. */
export const PHONE_PROFILE: LinkProfile = { name: '10 Mbit/s, 60 ms RTT', downMbps: 10, rttMs: 60 };

/**
 * How late a sender may be without the modelled link going idle. Node's timers fire a millisecond
 * or two late on every 16 KiB piece, which left a lone download at 7.5 to 8.7 of 10 Mbit/s while
 * parallel ones filled each other's gaps; a real link keeps sending what the sender's window holds.
 */
const SENDER_SLACK_MS = 10;

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
    const wait = this.delayMs(bytes, performance.now());
    if (wait > 1) await new Promise((done) => setTimeout(done, wait));
  }

  /** How long a sender that hands over `bytes` at `now` waits for them to cross. */
  delayMs(bytes: number, now: number): number {
    this.#freeAt = Math.max(now - SENDER_SLACK_MS, this.#freeAt) + bytes / this.#bytesPerMs;
    return Math.max(0, this.#freeAt - now);
  }
}
