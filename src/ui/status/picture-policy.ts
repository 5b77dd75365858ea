/**
 * Whether the pictures for offline use download by themselves after "ready", or wait for the
 * shopper's go: Save-Data, a metered or slow connection, or a catalog whose pictures are large.
 */

import { ASK_ABOVE_BYTES } from '../../shared/catalog/picture-limits.ts';

/** The part of the Network Information API read here (Chromium; absent elsewhere). */
export interface ConnectionHints {
  saveData?: boolean;
  type?: string;
  effectiveType?: string;
}

export interface PictureSaving {
  mode: 'auto' | 'ask';
  /** Why it asks, in a few words fit to show. */
  reason: string | null;
}

const SLOW = new Set(['slow-2g', '2g', '3g']);

/** This browser's connection hints, if it gives any. */
export function browserConnection(): ConnectionHints | undefined {
  return (navigator as { connection?: ConnectionHints }).connection;
}

export function pictureSaving(
  bytes: number,
  connection: ConnectionHints | undefined,
): PictureSaving {
  if (bytes > ASK_ABOVE_BYTES) return { mode: 'ask', reason: 'the pictures are large' };
  if (connection?.saveData) return { mode: 'ask', reason: 'Data Saver is on' };
  if (connection?.type === 'cellular') return { mode: 'ask', reason: 'on mobile data' };
  if (connection?.effectiveType && SLOW.has(connection.effectiveType)) {
    return { mode: 'ask', reason: 'the connection is slow' };
  }
  return { mode: 'auto', reason: null };
}
