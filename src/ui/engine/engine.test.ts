import type { Remote } from 'comlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CatalogSnapshot, PhotoOutcome, PhotoSource } from '../../engine-api/api-types.ts';
import { MAX_QUERY_BYTES } from '../../engine-api/limits.ts';
import type { SearchApi } from '../../worker/search.worker.ts';
import { SearchEngine } from './engine.svelte.ts';
import type { WorkerLink } from './search-worker.ts';

const snapshot: CatalogSnapshot = {
  info: {
    version: 'v1',
    count: 2,
    fields: [],
    models: [{ id: 'a', name: 'A', dim: 4, towers: { image: true, text: false } }],
    storage: 'memory',
    notice: null,
    backend: 'simd',
    threads: 1,
    pictureBytes: 0,
    loadedModels: ['a'],
  },
  items: { ids: ['x', 'y'], fields: { label: ['Dress', 'Shirt'] } },
};

const options = { k: 5, filters: {} };
const file: PhotoSource = { kind: 'file', blob: new Blob([new Uint8Array(3)]) };

function answer(id: number, total = 10): PhotoOutcome {
  return {
    results: [],
    timings: { decode: 1, preprocess: 1, embed: 1, search: 1, total },
    photo: { id, width: 4, height: 3 },
  };
}

const bitmap = () => ({ close: vi.fn() }) as unknown as ImageBitmap & { close: () => void };

/** A photo call the test answers when it likes; `signal` is what the engine passed. */
interface Held {
  signal: AbortSignal;
  resolve: (outcome: PhotoOutcome) => void;
  reject: (error: Error) => void;
}

/** The worker's API as SearchEngine calls it, without a worker. */
function fakeWorker() {
  const held: Held[] = [];
  const api = {
    start: vi.fn((..._args: unknown[]) => Promise.resolve(snapshot)),
    searchPhoto: vi.fn(
      (_source: PhotoSource, _crop: unknown, _options: unknown, signal: AbortSignal) =>
        new Promise<PhotoOutcome>((resolve, reject) => held.push({ signal, resolve, reject })),
    ),
    comparePhoto: vi.fn((..._args: unknown[]) =>
      Promise.resolve({ photo: answer(1).photo, outcomes: [] }),
    ),
    searchText: vi.fn(),
    moreLikeThis: vi.fn(),
    thumbnail: vi.fn(),
    savePictures: vi.fn((..._args: unknown[]) =>
      Promise.resolve({ state: 'done', savedBytes: 0, totalBytes: 0 }),
    ),
    loadModel: vi.fn((..._args: unknown[]) => Promise.resolve()),
  };
  let fail: (message: string) => void = () => {};
  const link: WorkerLink = {
    api: api as unknown as Remote<SearchApi>,
    terminate: vi.fn(),
    onError: (listener) => (fail = listener),
  };
  return { api, link, held, fail: (message: string) => fail(message) };
}

beforeEach(() => {
  vi.stubGlobal('document', { baseURI: 'http://app.test/' });
  vi.stubGlobal('navigator', { onLine: true });
});
afterEach(() => vi.unstubAllGlobals());

async function readyEngine() {
  const worker = fakeWorker();
  const engine = new SearchEngine(() => worker.link);
  await engine.start();
  return { engine, ...worker };
}

describe('SearchEngine: loading', () => {
  it('starts the worker once and shows the catalog it loaded', async () => {
    const { engine, api } = await readyEngine();
    await engine.start();
    expect(api.start).toHaveBeenCalledTimes(1);
    expect(api.start.mock.calls[0][0]).toEqual({ appUrl: 'http://app.test/', gpu: 'auto' });
    expect(engine.status).toBe('ready');
    expect(engine.info?.version).toBe('v1');
    expect(engine.item(1)).toEqual({ index: 1, id: 'y', fields: { label: 'Shirt' } });
    expect(engine.indexOf('y')).toBe(1);
    expect(() => engine.item(2)).toThrow(RangeError);
  });
});

describe('SearchEngine: latest search wins', () => {
  it('lets only the latest search count: an older answer resolves to null, its call aborted', async () => {
    const { engine, held } = await readyEngine();
    const first = engine.searchPhoto(file, null, options);
    const second = engine.searchPhoto({ kind: 'kept', photoId: 1 }, null, options);
    expect(held[0].signal.aborted).toBe(true);
    expect(held[1].signal.aborted).toBe(false);
    // The older answer arrives last, as it may when the worker had already sent it.
    const dropped = { ...answer(1, 30), photo: { id: 1, width: 4, height: 3, preview: bitmap() } };
    held[1].resolve(answer(1, 20));
    held[0].resolve(dropped);
    expect(await second).toMatchObject({ photo: { id: 1 } });
    expect(await first).toBeNull();
    // Nothing will show the dropped answer's photo: its bitmap is freed.
    expect(dropped.photo.preview.close).toHaveBeenCalledTimes(1);
    // Only the answer shown counts in the session's latency.
    expect(engine.stats?.count).toBe(1);
    expect(engine.stats?.p50.total).toBe(20);
  });

  it('drops the error of a superseded search and rejects with the latest one’s', async () => {
    const { engine, held } = await readyEngine();
    const first = engine.searchPhoto(file, null, options);
    const second = engine.searchPhoto(file, null, options);
    held[0].reject(new Error('old failure'));
    held[1].reject(
      Object.assign(new Error('This file is empty.'), { name: 'UnsupportedImageError' }),
    );
    expect(await first).toBeNull();
    await expect(second).rejects.toMatchObject({ name: 'UnsupportedImageError' });
  });

  it('cancels the search in flight on request', async () => {
    const { engine, held } = await readyEngine();
    const pending = engine.searchPhoto(file, null, options);
    engine.cancel();
    expect(held[0].signal.aborted).toBe(true);
    held[0].resolve(answer(1));
    expect(await pending).toBeNull();
    expect(engine.stats).toBeNull();
  });
});

describe('SearchEngine: refusals', () => {
  it('refuses a photo over the size limit before it reaches the worker', async () => {
    const { engine, api } = await readyEngine();
    const huge = { kind: 'file', blob: { size: MAX_QUERY_BYTES + 1 } as Blob } as const;
    await expect(engine.searchPhoto(huge, null, options)).rejects.toMatchObject({
      name: 'ImageTooLargeError',
      message: 'This photo is 20.0 MB; photos up to 20 MB are accepted.',
    });
    expect(api.searchPhoto).not.toHaveBeenCalled();
  });

  it('does not count Compare in the single-model latency', async () => {
    const { engine, api } = await readyEngine();
    await engine.comparePhoto(file, null, ['a', 'b'], options);
    expect(api.comparePhoto.mock.calls[0]).toEqual([
      file,
      null,
      options,
      ['a', 'b'],
      expect.any(AbortSignal),
    ]);
    expect(engine.stats).toBeNull();
  });

  it('refuses searches before the catalog is ready', async () => {
    const engine = new SearchEngine(() => fakeWorker().link);
    await expect(engine.searchPhoto(file, null, options)).rejects.toMatchObject({
      name: 'EngineError',
      message: 'The catalog is still loading.',
    });
  });

  it('starts over with a new worker after the first one failed to load', async () => {
    const broken = fakeWorker();
    broken.api.start.mockReturnValue(new Promise(() => {}));
    const working = fakeWorker();
    const links = [broken.link, working.link];
    const engine = new SearchEngine(() => links.shift()!);
    void engine.start();
    broken.fail('script error');
    expect(engine.status).toBe('error');
    expect(engine.error).toBe('The search engine could not start: script error.');
    expect(broken.link.terminate).toHaveBeenCalled();
    await engine.start();
    expect(engine.status).toBe('ready');
  });
});

describe('SearchEngine: result pictures', () => {
  it('reads and decodes a picture only once no search is in flight, and shares it', async () => {
    const { engine, api, held } = await readyEngine();
    const bitmap = { width: 2, height: 2, close: vi.fn() };
    const decode = vi.fn((_blob: Blob) => Promise.resolve(bitmap));
    vi.stubGlobal('createImageBitmap', decode);
    vi.stubGlobal('window', { addEventListener: vi.fn(), removeEventListener: vi.fn() });
    api.thumbnail.mockImplementation(() => Promise.resolve(new Blob([new Uint8Array(4)])));
    const flush = () => new Promise((done) => setTimeout(done, 0));

    const search = engine.searchPhoto(file, null, options);
    const picture = engine.thumbnail(1);
    await flush();
    // The search has the worker and the cores to itself.
    expect(api.thumbnail).not.toHaveBeenCalled();
    expect(decode).not.toHaveBeenCalled();

    held[0].resolve(answer(1));
    await search;
    expect(await picture).toBe(bitmap);
    expect(await engine.thumbnail(1)).toBe(bitmap);
    expect(api.thumbnail).toHaveBeenCalledTimes(1);
    expect(decode).toHaveBeenCalledTimes(1);

    // Released by both cards, it stays pooled; the engine's end closes it.
    engine.releaseThumbnail(1);
    engine.releaseThumbnail(1);
    expect(bitmap.close).not.toHaveBeenCalled();
    engine.dispose();
    await flush();
    expect(bitmap.close).toHaveBeenCalledTimes(1);
  });

  it('waits for the frame that shows the results before reading a picture', async () => {
    const { engine, api, held } = await readyEngine();
    vi.stubGlobal(
      'createImageBitmap',
      vi.fn(() => Promise.resolve({ close: vi.fn() })),
    );
    vi.stubGlobal('window', { addEventListener: vi.fn(), removeEventListener: vi.fn() });
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
      frames.push(callback);
      return frames.length;
    });
    api.thumbnail.mockImplementation(() => Promise.resolve(new Blob([new Uint8Array(4)])));
    const flush = () => new Promise((done) => setTimeout(done, 0));

    const search = engine.searchPhoto(file, null, options);
    const picture = engine.thumbnail(1);
    held[0].resolve(answer(1));
    await search;
    await flush();
    // The search is over, but its results are not painted yet: the picture waits.
    expect(api.thumbnail).not.toHaveBeenCalled();
    expect(frames).toHaveLength(1);
    frames[0](0);
    await picture;
    expect(api.thumbnail).toHaveBeenCalledTimes(1);
    engine.dispose();
  });
});
