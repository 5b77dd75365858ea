/** A catalog file that is not what its manifest promises: wrong bytes, or a malformed content. */

/** 'checksum': its size or sha256 differs from the manifest; 'format': its content is malformed. */
export type CatalogFileErrorCode = 'checksum' | 'format';

export class CatalogFileError extends Error {
  override name = 'CatalogFileError';
  constructor(
    readonly code: CatalogFileErrorCode,
    /** The file's path relative to the manifest. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
