import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RgbaImage } from '../../shared/preprocess/rgba-image.ts';
import { KeptPhoto } from './kept-photo.ts';

// The browser decode (ImageDecoder, createImageBitmap) is not in Node: each Blob "decodes" to an
// image as wide as the Blob is long, once the test releases it; its preview names the Blob.
const pending: { blob: Blob; release: () => void }[] = [];
vi.mock('./query-photo.ts', () => ({
  decodeQueryPhoto: (blob: Blob) =>
    new Promise((resolve) => {
      const image: RgbaImage = { data: new Uint8Array(4 * blob.size), width: blob.size, height: 1 };
      pending.push({ blob, release: () => resolve({ image, preview: { of: blob } }) });
    }),
}));

const blob = (size: number) => new Blob([new Uint8Array(size)]);
const releaseAll = () => pending.splice(0).forEach((p) => p.release());

beforeEach(() => void pending.splice(0));

describe('KeptPhoto', () => {
  it('decodes a new photo once and serves its pixels again as kept, with no decode time', async () => {
    const photos = new KeptPhoto(() => blob(1));
    const file = blob(5);
    const taken = photos.take({ kind: 'file', blob: file });
    releaseAll();
    const first = await taken;
    expect(first).toMatchObject({ id: 1, preview: { of: file } });
    expect(first.image.width).toBe(5);
    const again = await photos.take({ kind: 'kept', photoId: 1 });
    expect(again).toEqual({ id: 1, image: first.image, decodeMs: 0 });
    expect(pending).toHaveLength(0);
  });

  it('keeps the photo sent last, even when an earlier one finishes decoding after it', async () => {
    const photos = new KeptPhoto(() => blob(1));
    const early = photos.take({ kind: 'file', blob: blob(2) });
    const late = photos.take({ kind: 'file', blob: blob(3) });
    pending[1].release();
    pending[0].release();
    await Promise.all([early, late]);
    await expect(photos.take({ kind: 'kept', photoId: 1 })).rejects.toMatchObject({
      name: 'EngineError',
      message: 'That photo is no longer loaded: choose it again.',
    });
    expect((await photos.take({ kind: 'kept', photoId: 2 })).image.width).toBe(3);
  });

  it('decodes a sample from the catalog thumbnail of its index', async () => {
    const thumbnail = vi.fn((index: number) => Promise.resolve(blob(10 + index)));
    const photos = new KeptPhoto(thumbnail);
    const taken = photos.take({ kind: 'sample', index: 4 });
    await vi.waitFor(() => expect(pending).toHaveLength(1));
    releaseAll();
    const photo = await taken;
    expect(thumbnail).toHaveBeenCalledWith(4);
    expect(photo.image.width).toBe(14);
    expect(photo.preview).toEqual({ of: await thumbnail.mock.results[0].value });
  });
});
