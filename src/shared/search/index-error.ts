/** The one error type of the search index; `code` says which argument or limit was wrong. */

export type IndexErrorCode = 'dim' | 'input' | 'k' | 'item' | 'mask' | 'memory' | 'backend';

export class IndexError extends Error {
  override name = 'IndexError';
  constructor(
    readonly code: IndexErrorCode,
    message: string,
  ) {
    super(`index: ${message}`);
  }
}
