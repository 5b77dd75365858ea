/** Fetches and validates the catalog manifest, always from the network (it is how updates are found). */
import type { CatalogManifest } from '../shared/catalog/manifest.ts';
import { parseManifest } from '../shared/catalog/validate-manifest.ts';
import { CatalogError, HttpStatusError, isNetworkError, isTransient } from './errors.ts';
import { withRetry } from './retry.ts';

export interface FetchManifestOptions {
  signal?: AbortSignal;
  /** Tries in all: several on a first visit, one when a stored catalog can stand in. */
  attempts?: number;
  baseDelayMs?: number;
}

async function fetchOnce(url: string, signal?: AbortSignal): Promise<CatalogManifest> {
  // no-store: neither the HTTP cache nor a stale copy may hide a new catalog version.
  const response = await fetch(url, { signal, cache: 'no-store' });
  if (!response.ok) throw new HttpStatusError(response.status, 'the catalog manifest');
  let json: unknown;
  try {
    json = await response.json();
  } catch (error) {
    if (isNetworkError(error)) throw error;
    throw new CatalogError('format', 'The catalog manifest is not valid JSON.', { cause: error });
  }
  try {
    return parseManifest(json);
  } catch (error) {
    throw new CatalogError(
      'format',
      `The catalog manifest is invalid: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

export async function fetchManifest(
  url: string,
  options: FetchManifestOptions = {},
): Promise<CatalogManifest> {
  try {
    return await withRetry(() => fetchOnce(url, options.signal), {
      attempts: options.attempts ?? 4,
      baseDelayMs: options.baseDelayMs ?? 500,
      signal: options.signal,
      retryable: isTransient,
    });
  } catch (error) {
    if (!isNetworkError(error)) throw error;
    throw new CatalogError(
      'offline',
      'You are offline and the catalog has not been downloaded yet.',
      {
        cause: error,
      },
    );
  }
}
