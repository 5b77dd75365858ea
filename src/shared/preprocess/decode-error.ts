/** The typed error both decoders throw for input they cannot turn into pixels. */

export type ImageDecodeFailure =
  /** Zero bytes. */
  | 'empty'
  /** Not an image format the decoder knows, or corrupt data. */
  | 'undecodable'
  /** Decodable in principle, but over the decoder's pixel limit. */
  | 'too-large';

export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  readonly reason: ImageDecodeFailure;

  constructor(reason: ImageDecodeFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}
