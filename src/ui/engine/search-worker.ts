/** Starts the search worker and wraps its comlink API: the one link between the page and it. */
import { wrap, type Remote } from 'comlink';
import type { SearchApi } from '../../worker/search.worker.ts';

/** The worker as SearchEngine uses it; unit tests pass a fake. */
export interface WorkerLink {
  api: Remote<SearchApi>;
  terminate(): void;
  /** `listener` hears failures outside any call (the script did not load, or it crashed). */
  onError(listener: (message: string) => void): void;
}

export function openSearchWorker(): WorkerLink {
  // Vite bundles the worker from this literal `new URL(..., import.meta.url)` form.
  const worker = new Worker(new URL('../../worker/search.worker.ts', import.meta.url), {
    type: 'module',
    name: 'lookalike-search',
  });
  return {
    api: wrap<SearchApi>(worker),
    terminate: () => worker.terminate(),
    onError: (listener) =>
      worker.addEventListener('error', (event) => listener(event.message ?? '')),
  };
}
