/** Typed errors of the catalog storage layer, each with a message a shopper can act on. */

export type CatalogErrorCode =
  /** No network and nothing stored to fall back on. */
  | 'offline'
  /** The server answered with an error status. */
  | 'http'
  /** A file's bytes differ from what the manifest promises. */
  | 'checksum'
  /** The manifest or a shard is malformed. */
  | 'format'
  /** IndexedDB refused to store more (QuotaExceededError). */
  | 'quota';

export class CatalogError extends Error {
  override name = 'CatalogError';
  constructor(
    readonly code: CatalogErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A non-2xx answer; 5xx, 408 and 429 are worth retrying, other statuses are not. */
export class HttpStatusError extends CatalogError {
  override name = 'CatalogError';
  constructor(
    readonly status: number,
    what: string,
  ) {
    super('http', `The server answered HTTP ${status} for ${what}.`);
  }

  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

/** A download that received nothing for too long: the connection is up but dead. */
export class DownloadStalledError extends CatalogError {
  override name = 'CatalogError';
  constructor(what: string, stallMs: number) {
    super(
      'offline',
      `Could not download ${what}: the connection stalled (no data for ${stallMs < 1000 ? `${stallMs} ms` : `${Math.round(stallMs / 1000)} s`}).`,
    );
  }
}

/** Whether a failed fetch is worth another try: network errors, stalls and retryable statuses. */
export function isTransient(error: unknown): boolean {
  if (error instanceof DownloadStalledError) return true;
  return error instanceof HttpStatusError ? error.retryable : isNetworkError(error);
}

/** True for the DOMException browsers throw when a storage quota is exhausted. */
export function isQuotaError(error: unknown): boolean {
  if (!(error instanceof DOMException) && !(error instanceof Error)) return false;
  return (
    error.name === 'QuotaExceededError' ||
    // Older engines report the legacy code instead of the name.
    (error instanceof DOMException && error.code === 22)
  );
}

/** True for the TypeError `fetch` throws when the network itself fails. */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
