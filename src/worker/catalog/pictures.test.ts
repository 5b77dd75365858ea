import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CatalogManifest, ItemTable } from '../../shared/catalog/manifest.ts';
import { encodePictureDigests } from '../../shared/catalog/picture-digests.ts';
import { sha256Hex } from '../../shared/catalog/sha256.ts';
import { CatalogSource } from '../../storage/catalog-source.ts';
import { memoryStore } from '../../storage/catalog-store.ts';
import { Pictures } from './pictures.ts';

const app = 'https://shop.example/';
const pics = [new Uint8Array([1, 2, 3, 4]), new Uint8Array([5, 6]), new Uint8Array([7, 8, 9])];
const pack = new Uint8Array([...pics[0], ...pics[1], ...pics[2]]);

async function setup(withDigests = true) {
  const digests = await encodePictureDigests(pics);
  const manifest = {
    count: 3,
    models: [],
    items: { file: 'items.json', bytes: 1, sha256: 'si' },
    thumbs: {
      maxSide: 256,
      packs: [{ file: 'thumbs/p0.bin', bytes: pack.byteLength, sha256: await sha256Hex(pack) }],
      ...(withDigests
        ? {
            digests: {
              file: 'thumbs/d.bin',
              bytes: digests.byteLength,
              sha256: await sha256Hex(digests),
            },
          }
        : {}),
    },
  } as unknown as CatalogManifest;
  const items = {
    ids: ['a', 'b', 'c'],
    fields: {},
    thumbs: [
      [0, 0, 4],
      [0, 4, 2],
      [0, 6, 3],
    ],
  };
  const pictures = new Pictures({
    manifest,
    items: items as ItemTable,
    source: new CatalogSource(memoryStore),
    manifestUrl: `${app}catalog/manifest.json`,
    appUrl: app,
  });
  return { pictures, digests };
}

/** A static host: Range answered with 206 unless `ranges` is false; `corrupt` flips a byte. */
function serve(digests: Uint8Array, { ranges = true, corrupt = false } = {}) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    const range = (init?.headers as Record<string, string> | undefined)?.Range;
    calls.push(`${url.slice(app.length)}${range ? ` ${range}` : ''}`);
    const body = url.endsWith('d.bin') ? digests : pack.slice();
    if (corrupt && !url.endsWith('d.bin')) body[5] ^= 1;
    const match = range && ranges ? /bytes=(\d+)-(\d+)/.exec(range) : null;
    if (!match)
      return Promise.resolve(new Response(body as Uint8Array<ArrayBuffer>, { status: 200 }));
    const part = body.slice(Number(match[1]), Number(match[2]) + 1);
    return Promise.resolve(new Response(part as Uint8Array<ArrayBuffer>, { status: 206 }));
  });
  return calls;
}

const bytesOf = async (blob: Blob) => [...new Uint8Array(await blob.arrayBuffer())];

describe('Pictures', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('fetches one picture by Range, verified by its digest', async () => {
    const { pictures, digests } = await setup();
    const calls = serve(digests);
    expect(await bytesOf(await pictures.picture(1))).toEqual([5, 6]);
    expect(calls).toEqual(['catalog/thumbs/d.bin', 'catalog/thumbs/p0.bin bytes=4-5']);
  });

  it('refuses a picture whose bytes differ from its digest', async () => {
    const { pictures, digests } = await setup();
    serve(digests, { corrupt: true });
    await expect(pictures.picture(1)).rejects.toThrow(/failed verification/);
  });

  it('falls back to the whole pack, verified by its sha256, when the host ignores Range', async () => {
    const { pictures, digests } = await setup();
    const calls = serve(digests, { ranges: false });
    expect(await bytesOf(await pictures.picture(2))).toEqual([7, 8, 9]);
    // The pack now serves every picture without another request.
    expect(await bytesOf(await pictures.picture(0))).toEqual([1, 2, 3, 4]);
    expect(calls.filter((c) => c === 'catalog/thumbs/p0.bin')).toHaveLength(1);
  });

  it('fetches whole packs for a catalog built without digests', async () => {
    const { pictures, digests } = await setup(false);
    const calls = serve(digests);
    expect(await bytesOf(await pictures.picture(1))).toEqual([5, 6]);
    expect(calls).toEqual(['catalog/thumbs/p0.bin']);
  });
});
