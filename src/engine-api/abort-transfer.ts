/**
 * Lets an AbortSignal cross the comlink boundary (it cannot be cloned): the page's signal becomes a
 * MessagePort, and the worker gets a fresh signal that aborts when a message arrives on it.
 * Both the page and the worker call `registerAbortTransfer()` once.
 */
import { transferHandlers, type TransferHandler } from 'comlink';

/** Each side's end of the channel, closed by `releaseAbortSignal` when the call settles. */
const channels = new WeakMap<AbortSignal, { port: MessagePort; onAbort?: () => void }>();

const abortSignalHandler: TransferHandler<AbortSignal, MessagePort> = {
  canHandle: (value): value is AbortSignal =>
    typeof AbortSignal !== 'undefined' && value instanceof AbortSignal,
  serialize(signal) {
    const { port1, port2 } = new MessageChannel();
    const onAbort = () => port1.postMessage(String((signal.reason as Error | undefined)?.message));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    channels.set(signal, { port: port1, onAbort });
    return [port2, [port2]];
  },
  deserialize(port) {
    const controller = new AbortController();
    port.onmessage = (event: MessageEvent<string>) => {
      controller.abort(new DOMException(event.data || 'Cancelled', 'AbortError'));
      port.close();
    };
    channels.set(controller.signal, { port });
    return controller.signal;
  },
};

export function registerAbortTransfer(): void {
  transferHandlers.set('abort-signal', abortSignalHandler as TransferHandler<unknown, unknown>);
}

/** Closes the channel behind `signal` once the call that carried it is over. */
export function releaseAbortSignal(signal: AbortSignal | undefined): void {
  const channel = signal && channels.get(signal);
  if (!channel) return;
  if (channel.onAbort) signal.removeEventListener('abort', channel.onAbort);
  channel.port.close();
  channels.delete(signal);
}
