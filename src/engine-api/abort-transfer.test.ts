import { expose, wrap } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { registerAbortTransfer, releaseAbortSignal } from './abort-transfer.ts';

registerAbortTransfer();

/** A comlink pair over a real MessageChannel, like the page and the worker. */
function connect<T>(api: T) {
  const { port1, port2 } = new MessageChannel();
  expose(api, port1);
  return { remote: wrap<T>(port2), close: () => (port1.close(), port2.close()) };
}

let close = () => {};
afterEach(() => close());

describe('AbortSignal over comlink', () => {
  it('arrives as a signal that aborts when the caller aborts', async () => {
    let received: AbortSignal | undefined;
    const api = {
      wait(signal: AbortSignal): Promise<string> {
        received = signal;
        return new Promise((resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error));
          setTimeout(() => resolve('finished'), 5_000);
        });
      },
    };
    const pair = connect(api);
    close = pair.close;
    const controller = new AbortController();
    const call = pair.remote.wait(controller.signal);
    await expect.poll(() => received).toBeDefined();
    expect(received!.aborted).toBe(false);
    controller.abort(new DOMException('Superseded by a newer search', 'AbortError'));
    await expect(call).rejects.toMatchObject({
      name: 'AbortError',
      message: 'Superseded by a newer search',
    });
    releaseAbortSignal(controller.signal);
  });

  it('carries an already-aborted signal as aborted', async () => {
    const api = {
      async abortedSoon(signal: AbortSignal) {
        // The abort message travels on its own port: give it a moment to arrive.
        await new Promise((resolve) => setTimeout(resolve, 50));
        return signal.aborted;
      },
    };
    const pair = connect(api);
    close = pair.close;
    const controller = new AbortController();
    controller.abort();
    expect(await pair.remote.abortedSoon(controller.signal)).toBe(true);
    releaseAbortSignal(controller.signal);
  });

  it('leaves an unaborted call alone and releases the channel afterwards', async () => {
    const api = {
      async work(signal: AbortSignal) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return signal.aborted ? 'aborted' : 'done';
      },
    };
    const pair = connect(api);
    close = pair.close;
    const controller = new AbortController();
    expect(await pair.remote.work(controller.signal)).toBe('done');
    releaseAbortSignal(controller.signal);
    // Aborting after release reaches nobody and throws nothing.
    controller.abort();
  });
});
