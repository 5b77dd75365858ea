/** Errors the worker's calls reject with; comlink carries `name` and `message` to the page. */
import { MAX_QUERY_BYTES } from '../engine-api/limits.ts';

export class EngineError extends Error {
  override name = 'EngineError';
}

export class ImageTooLargeError extends Error {
  override name = 'ImageTooLargeError';
  constructor(bytes: number) {
    super(
      `This photo is ${(bytes / 1024 / 1024).toFixed(1)} MB; photos up to ${MAX_QUERY_BYTES / 1024 / 1024} MB are accepted.`,
    );
  }
}

export class UnsupportedImageError extends Error {
  override name = 'UnsupportedImageError';
}
