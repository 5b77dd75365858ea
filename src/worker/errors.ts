/** Errors the worker's calls reject with; comlink carries `name` and `message` to the page. */
import { tooLargeMessage } from '../engine-api/limits.ts';

export class EngineError extends Error {
  override name = 'EngineError';
}

export class ImageTooLargeError extends Error {
  override name = 'ImageTooLargeError';
  constructor(bytes: number) {
    super(tooLargeMessage(bytes));
  }
}

export class UnsupportedImageError extends Error {
  override name = 'UnsupportedImageError';
}
