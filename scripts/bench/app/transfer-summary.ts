/** What a visit's server log says: bytes by kind of file, requests, and files sent whole twice. */
import type { Transfer } from './metered-host.ts';

export const KINDS = ['shell', 'runtime', 'model', 'vectors', 'items', 'pictures'] as const;
export type Kind = (typeof KINDS)[number];

/** The kind of file a URL path of the built app holds. */
export function kindOf(path: string): Kind {
  if (/\/catalog\/thumbs\//.test(path)) return 'pictures';
  if (/\/catalog\/(items\/|manifest\.json$)/.test(path)) return 'items';
  if (/\/catalog\/[^/]+\//.test(path)) return 'vectors';
  if (/\/models\//.test(path)) return 'model';
  if (/\.wasm(\.gz)?$/.test(path)) return 'runtime';
  return 'shell';
}

export interface TransferSummary {
  /** Body bytes by kind. */
  bytes: Record<Kind, number>;
  total: number;
  requests: number;
  /** Paths (other than shell files) sent whole, to the end, more than once: path → times. */
  wholeTwice: Record<string, number>;
  /** Shell paths sent whole more than once (allowed: the page and the precache). */
  shellTwice: Record<string, number>;
}

export function summarise(transfers: readonly Transfer[]): TransferSummary {
  const bytes = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  const wholeCount = new Map<string, number>();
  for (const t of transfers) {
    bytes[kindOf(t.path)] += t.bytes;
    if (t.whole && t.complete) wholeCount.set(t.path, (wholeCount.get(t.path) ?? 0) + 1);
  }
  const twice = [...wholeCount].filter(([, n]) => n > 1);
  return {
    bytes,
    total: KINDS.reduce((sum, k) => sum + bytes[k], 0),
    requests: transfers.length,
    wholeTwice: Object.fromEntries(twice.filter(([path]) => kindOf(path) !== 'shell')),
    shellTwice: Object.fromEntries(twice.filter(([path]) => kindOf(path) === 'shell')),
  };
}

export const MB = (bytes: number) => Math.round(bytes / 1e4) / 100;
