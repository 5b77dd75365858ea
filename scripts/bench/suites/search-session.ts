/** Opens the search suite's page in Chromium and calls its functions with their real types. */
import { resolve } from 'node:path';
import { openBenchPage } from '../browser.ts';
import type { SearchBenchPage } from './search-protocol.ts';

export interface SearchSession {
  version: string;
  /** Why the npm library peers' script is missing (an uninstalled package), or null. */
  librariesMissing: string | null;
  call<K extends keyof SearchBenchPage>(
    name: K,
    ...args: Parameters<SearchBenchPage[K]>
  ): Promise<Awaited<ReturnType<SearchBenchPage[K]>>>;
  close(): Promise<void>;
}

export async function openSearchPage(): Promise<SearchSession> {
  const session = await openBenchPage({
    main: resolve(import.meta.dirname, 'search-page.ts'),
    extra: { 'split-worker': resolve(import.meta.dirname, 'search-split-worker.ts') },
    optional: { 'library-peers': resolve(import.meta.dirname, 'library-peers.ts') },
  });
  return {
    version: session.version,
    librariesMissing: session.missing['library-peers'] ?? null,
    call: (name, ...args) =>
      session.page.evaluate(
        ([method, params]) => {
          const page = (globalThis as unknown as { searchBench: Record<string, unknown> })
            .searchBench;
          return (page[method] as (...a: unknown[]) => unknown)(...params);
        },
        [name, args] as const,
      ) as never,
    close: () => session.close(),
  };
}
