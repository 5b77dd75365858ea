import { describe, expect, it, vi } from 'vitest';
import type { EnginePort } from '../engine/engine-port.ts';
import type {
  CatalogInfo,
  CatalogItem,
  PhotoComparison,
  PhotoOutcome,
  PhotoSource,
  Rect,
  SearchOptions,
  SearchOutcome,
} from '../engine/engine-types.ts';
import { DEFAULT_K, SearchSession } from './search-session.svelte.ts';

const info: CatalogInfo = {
  version: 'v1',
  count: 3,
  fields: [{ name: 'label', values: [{ value: 'Dress', count: 3 }] }],
  models: [
    { id: 'a', name: 'A', dim: 4, towers: { image: true, text: true } },
    { id: 'b', name: 'B', dim: 4, towers: { image: true, text: false } },
  ],
  storage: 'memory',
  notice: null,
  backend: 'simd',
  threads: 1,
  pictureBytes: 0,
  loadedModels: ['a', 'b'],
};

const timings = { decode: 1, preprocess: 2, embed: 3, search: 4, total: 10 };
const outcome = (id: string): SearchOutcome => ({
  results: [{ rank: 1, index: 0, id, score: 0.9, fields: {} }],
  timings,
});

/** An answer the test settles when it likes, to interleave calls. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
}

/** EnginePort with every search recorded; photo searches answer a photo of 40 × 30. */
class FakeEngine implements EnginePort {
  status = 'ready' as const;
  progress = null;
  error = null;
  info = info;
  stats = null;
  photoCalls: { source: PhotoSource; crop: Rect | null; options: SearchOptions }[] = [];
  compareCalls: { source: PhotoSource; modelIds: readonly string[] }[] = [];
  /** Set to hold the next photo answer back. */
  next: ReturnType<typeof deferred<PhotoOutcome | null>> | null = null;
  cancel = vi.fn();
  searchText = vi.fn((text: string, _options: SearchOptions) =>
    Promise.resolve<SearchOutcome | null>(outcome(`text:${text}`)),
  );
  moreLikeThis = vi.fn((item: number | string, _options: SearchOptions) =>
    Promise.resolve<SearchOutcome | null>(outcome(`like:${item}`)),
  );

  searchPhoto(source: PhotoSource, crop: Rect | null, options: SearchOptions) {
    this.photoCalls.push({ source, crop, options });
    if (this.next) return this.next.promise;
    const id = source.kind === 'kept' ? source.photoId : this.photoCalls.length;
    const preview = source.kind === 'file' ? fakeBitmap() : undefined;
    return Promise.resolve({
      ...outcome(`photo${id}`),
      photo: { id, width: 40, height: 30, preview },
    });
  }

  comparePhoto(source: PhotoSource, _crop: Rect | null, modelIds: readonly string[]) {
    this.compareCalls.push({ source, modelIds });
    const id = source.kind === 'kept' ? source.photoId : 7;
    return Promise.resolve<PhotoComparison | null>({
      photo: { id, width: 40, height: 30 },
      outcomes: modelIds.map((model) => outcome(model)),
    });
  }

  pictures = null;
  modelLoads = {};
  modelLoaded = () => true;
  loadModel = () => Promise.resolve();
  savePictures = () => {};
  thumbnail = () => Promise.reject(new Error('no pictures in this test'));
  releaseThumbnail = () => {};
  item(index: number): CatalogItem {
    if (index < 0 || index >= 3) throw new RangeError(`The catalog has no item at ${index}.`);
    return { index, id: `item${index}`, fields: { label: 'Dress' } };
  }
  indexOf = (id: string) => (/^item\d$/.test(id) ? Number(id.slice(4)) : null);
  sampleIndices = () => [0, 1, 2];
}

const fakeBitmap = () => ({ width: 40, height: 30, close: vi.fn() }) as unknown as ImageBitmap;

const photoFile = () => new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });

describe('SearchSession: new photos', () => {
  it('searches a new photo in one engine call and shows it with its answer', async () => {
    const engine = new FakeEngine();
    const session = new SearchSession(engine);
    const file = photoFile();
    await session.searchPhoto(file, 'upload');
    expect(engine.photoCalls).toEqual([
      { source: { kind: 'file', blob: file }, crop: null, options: { k: DEFAULT_K, filters: {} } },
    ]);
    expect(session.query).toMatchObject({
      kind: 'photo',
      origin: 'upload',
      image: { id: 1, width: 40, height: 30 },
      preview: { width: 40, height: 30 },
      sample: null,
    });
    expect(session.results.map((r) => r.id)).toEqual(['photo1']);
    expect(session.outcome).not.toHaveProperty('photo');
    expect(session.busy).toBe(false);
    expect(session.completed).toBe(1);
  });
});

describe('SearchSession: the kept photo', () => {
  it('re-crops, filters and changes Top-K and model on the kept photo, never sending it again', async () => {
    const engine = new FakeEngine();
    const session = new SearchSession(engine);
    await session.searchPhoto(photoFile(), 'upload');
    const crop = { x: 0.1, y: 0.2, width: 0.5, height: 0.5 };
    await session.setCrop(crop);
    await session.toggleFilter('label', 'Dress');
    await session.setK(10);
    await session.setModel('b');
    const again = engine.photoCalls.slice(1);
    expect(again.map((call) => call.source)).toEqual(Array(4).fill({ kind: 'kept', photoId: 1 }));
    expect(again.map((call) => call.crop)).toEqual([crop, crop, crop, crop]);
    expect(again.at(-1)!.options).toEqual({ k: 10, filters: { label: ['Dress'] }, modelId: 'b' });
    // The query (and its crop) stays; a kept photo's answer does not replace it.
    expect(session.query).toMatchObject({ kind: 'photo', image: { id: 1 } });
    expect(session.crop).toEqual(crop);
    expect(session.completed).toBe(5);
  });

  it('searches a sample by item index: its photo stays in the worker', async () => {
    const engine = new FakeEngine();
    const session = new SearchSession(engine);
    await session.searchSample(2);
    expect(engine.photoCalls[0].source).toEqual({ kind: 'sample', index: 2 });
    expect(session.query).toMatchObject({
      kind: 'photo',
      origin: 'sample',
      sample: { id: 'item2' },
    });
    expect(session.shareState.query).toEqual({ kind: 'sample', id: 'item2' });
  });

  it('reports a sample the catalog lacks without calling the engine', async () => {
    const engine = new FakeEngine();
    const session = new SearchSession(engine);
    await session.searchSample(9);
    expect(engine.photoCalls).toHaveLength(0);
    expect(session.error).toBe('The catalog has no item at 9.');
    expect(session.busy).toBe(false);
  });
});

describe('SearchSession: answers that do not come', () => {
  it('leaves the screen alone when the engine says a search was superseded (null)', async () => {
    const engine = new FakeEngine();
    const session = new SearchSession(engine);
    await session.searchPhoto(photoFile(), 'upload');
    engine.next = deferred();
    const pending = session.searchPhoto(photoFile(), 'drop');
    expect(session.busy).toBe(true);
    engine.next.resolve(null);
    await pending;
    expect(session.query).toMatchObject({ origin: 'upload', image: { id: 1 } });
    expect(session.completed).toBe(1);
  });

  it('shows the error of a failed photo and keeps the previous query', async () => {
    const engine = new FakeEngine();
    const session = new SearchSession(engine);
    await session.searchPhoto(photoFile(), 'upload');
    engine.next = deferred();
    const pending = session.searchPhoto(photoFile(), 'paste');
    engine.next.reject(
      Object.assign(new Error('This file is empty.'), { name: 'UnsupportedImageError' }),
    );
    await pending;
    expect(session.error).toBe('This file is empty.');
    expect(session.busy).toBe(false);
    expect(session.query).toMatchObject({ origin: 'upload' });
  });
});

describe('SearchSession: words and Compare', () => {
  it('sends words and their weight with photo searches only', async () => {
    const engine = new FakeEngine();
    const session = new SearchSession(engine);
    await session.searchPhoto(photoFile(), 'upload');
    await session.refineWithText(' red ');
    await session.setTextWeight(0.25);
    expect(engine.photoCalls.at(-1)!.options).toMatchObject({ text: 'red', textWeight: 0.25 });
    await session.searchText('blue dress');
    expect(engine.searchText).toHaveBeenCalledWith('blue dress', { k: DEFAULT_K, filters: {} });
  });

  it('compares a new photo and its re-crops through the same call shape', async () => {
    const engine = new FakeEngine();
    const session = new SearchSession(engine);
    await session.setComparing(true);
    const file = photoFile();
    await session.searchPhoto(file, 'upload');
    expect(engine.photoCalls).toHaveLength(0);
    expect(engine.compareCalls[0]).toEqual({
      source: { kind: 'file', blob: file },
      modelIds: ['a', 'b'],
    });
    expect(session.comparing).toBe(true);
    expect(session.comparison?.outcomes.map((o) => o.results[0].id)).toEqual(['a', 'b']);
    await session.setCrop({ x: 0, y: 0, width: 0.5, height: 0.5 });
    expect(engine.compareCalls[1].source).toEqual({ kind: 'kept', photoId: 7 });
    await session.setComparing(false);
    expect(session.comparison).toBeNull();
    expect(engine.photoCalls[0].source).toEqual({ kind: 'kept', photoId: 7 });
  });
});

describe('SearchSession: leaving a query', () => {
  it('starts over by cancelling the search in flight', async () => {
    const engine = new FakeEngine();
    const session = new SearchSession(engine);
    await session.searchPhoto(photoFile(), 'upload');
    session.reset();
    expect(engine.cancel).toHaveBeenCalledTimes(1);
    expect(session.query).toBeNull();
    expect(session.results).toEqual([]);
    expect(session.busy).toBe(false);
  });

  it('frees the photo’s bitmap (here a camera frame’s) once another query replaces it', async () => {
    const engine = new FakeEngine();
    const session = new SearchSession(engine);
    const picture = { close: vi.fn() } as unknown as ImageBitmap;
    engine.next = deferred();
    const frame = { width: 4, height: 3 } as ImageBitmap;
    const pending = session.searchPhoto(frame, 'camera');
    expect(engine.photoCalls[0].source).toEqual({ kind: 'frame', bitmap: frame });
    engine.next.resolve({
      ...outcome('cam'),
      photo: { id: 1, width: 4, height: 3, preview: picture },
    });
    await pending;
    expect(session.query).toMatchObject({ origin: 'camera', preview: picture });
    engine.next = null;
    await session.setCrop({ x: 0, y: 0, width: 0.5, height: 0.5 });
    expect(picture.close).not.toHaveBeenCalled();
    await session.moreLikeThis(engine.item(0));
    expect(picture.close).toHaveBeenCalledTimes(1);
  });
});

describe('SearchSession: share links', () => {
  it('reproduces a shared "more like this" and reports an unknown shared item', async () => {
    const engine = new FakeEngine();
    const session = new SearchSession(engine);
    await session.applyShare({
      model: 'b',
      k: 5,
      filters: {},
      query: { kind: 'similar', id: 'item1' },
    });
    expect(engine.moreLikeThis).toHaveBeenCalledWith('item1', { k: 5, filters: {}, modelId: 'b' });
    expect(session.results[0].id).toBe('like:item1');
    await session.applyShare({
      model: null,
      k: null,
      filters: {},
      query: { kind: 'sample', id: 'gone' },
    });
    expect(session.error).toBe('The shared item gone is not in this catalog (version v1).');
  });
});
