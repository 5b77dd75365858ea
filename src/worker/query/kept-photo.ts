/**
 * The one query photo the worker keeps: the last new photo a search brought, decoded once, so a
 * re-crop or a change of filters, Top-K, words or model searches the same pixels again.
 * It is replaced as the call arrives, before decoding: comlink delivers calls in the order the
 * page made them, so the kept photo is always the page's latest and no ordering check is needed
 * here (which answer the page shows is decided on the page, see SearchEngine).
 */
import type { PhotoSource } from '../../engine-api/api-types.ts';
import type { RgbaImage } from '../../shared/preprocess/rgba-image.ts';
import { EngineError } from '../errors.ts';
import { decodeQueryPhoto } from './query-photo.ts';

/** The pixels a search runs on. */
export interface TakenPhoto {
  id: number;
  image: RgbaImage;
  /** Decode time of a new photo; 0 for kept pixels. */
  decodeMs: number;
  /** What the page shows, for a new photo only. */
  preview?: ImageBitmap;
}

export class KeptPhoto {
  #kept: { id: number; image: Promise<RgbaImage> } | null = null;
  #ids = 0;
  /** A catalog item's thumbnail, for sample searches. */
  readonly #thumbnail: (index: number) => Blob | Promise<Blob>;

  constructor(thumbnail: (index: number) => Blob | Promise<Blob>) {
    this.#thumbnail = thumbnail;
  }

  /** The pixels `source` names. Call it synchronously as the search arrives (see above). */
  take(source: PhotoSource): Promise<TakenPhoto> {
    if (source.kind === 'kept') {
      const kept = this.#kept;
      if (!kept || kept.id !== source.photoId) {
        return Promise.reject(new EngineError('That photo is no longer loaded: choose it again.'));
      }
      return kept.image.then((image) => ({ id: kept.id, image, decodeMs: 0 }));
    }
    const id = ++this.#ids;
    const started = performance.now();
    const decoded = this.#decode(source);
    const image = decoded.then((photo) => photo.image);
    // Awaited by the search that brought it; a failed decode is reported there.
    image.catch(() => undefined);
    this.#kept = { id, image };
    return decoded.then(({ image, preview }) => ({
      id,
      image,
      decodeMs: performance.now() - started,
      preview,
    }));
  }

  async #decode(source: Exclude<PhotoSource, { kind: 'kept' }>) {
    switch (source.kind) {
      case 'file':
        return decodeQueryPhoto(source.blob);
      case 'frame':
        return decodeQueryPhoto(source.bitmap);
      case 'sample':
        return decodeQueryPhoto(await this.#thumbnail(source.index));
    }
  }
}
