import { describe, expect, it } from 'vitest';
import { Link } from './link.ts';

describe('Link', () => {
  it('carries a lone sender at the link rate though it is a few ms late with every piece', () => {
    const link = new Link({ name: 'test', downMbps: 10, rttMs: 0 });
    const piece = 16_384; // 13.1 ms at 10 Mbit/s
    let now = 0;
    for (let i = 0; i < 100; i++) {
      // Each piece is handed over when the last has crossed, plus 3 ms of the sender's own work.
      now += link.delayMs(piece, now) + 3;
    }
    const mbps = (100 * piece * 8) / 1e6 / ((now - 3) / 1000);
    expect(mbps).toBeCloseTo(10, 1);
  });

  it('shares the rate between parallel senders', () => {
    const link = new Link({ name: 'test', downMbps: 10, rttMs: 0 });
    // Two pieces handed over at once: the second waits for the first.
    expect(link.delayMs(12_500, 0)).toBeCloseTo(10);
    expect(link.delayMs(12_500, 0)).toBeCloseTo(20);
  });
});
