import { describe, expect, it } from 'vitest';
import { IdleGate } from './idle-gate.ts';

describe('IdleGate', () => {
  const flush = () => new Promise((done) => setTimeout(done, 0));

  it('lets waiters through at once when nothing is in flight', async () => {
    const gate = new IdleGate();
    let through = false;
    void gate.idle().then(() => (through = true));
    await flush();
    expect(through).toBe(true);
  });

  it('holds waiters until the last piece of work ends, and counts each end once', async () => {
    const gate = new IdleGate();
    const first = gate.enter();
    const second = gate.enter();
    let through = false;
    void gate.idle().then(() => (through = true));
    first();
    first(); // a second call of the same end changes nothing
    await flush();
    expect(through).toBe(false);
    expect(gate.busy).toBe(true);
    second();
    await flush();
    expect(through).toBe(true);
    expect(gate.busy).toBe(false);
  });
});
