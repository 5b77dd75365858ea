import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LoadUpdate } from '../../engine-api/api-types.ts';
import type {
  CatalogManifest,
  FileRef,
  ItemTable,
  ShardRef,
} from '../../shared/catalog/manifest.ts';
import { sha256HexSync } from '../../shared/catalog/sha256.ts';
import { encodeShard } from '../../shared/catalog/shard.ts';
import type { ModelSpec } from '../../shared/model/spec.ts';
import { CatalogSource } from '../../storage/catalog-source.ts';
import { memoryStore } from '../../storage/catalog-store.ts';
import { loadCatalog } from './loader.ts';
import { LoadReporter } from './load-reporter.ts';

const app = 'https://shop.example/';
const DIM = 8;
const COUNT = 4;
const MODEL = new Uint8Array(64).fill(7);

/** A one-model catalog of two shards, served from memory by URL. */
function catalog() {
  const served = new Map<string, Uint8Array>();
  const ref = (file: string, bytes: Uint8Array, base = `${app}catalog/`): FileRef => {
    served.set(new URL(file, base).href, bytes);
    return { file, bytes: bytes.byteLength, sha256: sha256HexSync(bytes) };
  };
  const model = ref('models/m/model.onnx', MODEL, app);
  const shards: ShardRef[] = [0, 2].map((start, i) => ({
    ...ref(
      `m/shard-${i}.bin`,
      encodeShard({
        modelId: 'm',
        modelHash: model.sha256,
        dim: DIM,
        start,
        codes: new Int8Array(2 * DIM).fill(i + 1),
        scales: new Float32Array(2).fill(0.01),
      }),
    ),
    start,
    count: 2,
  }));
  const table: ItemTable = {
    ids: ['a', 'b', 'c', 'd'],
    fields: { label: ['x', 'y', 'x', 'y'] },
    thumbs: [0, 1, 2, 3].map((offset) => [0, offset, 1]),
  };
  const manifest = {
    format: 'lookalike-catalog',
    formatVersion: 1,
    version: 'v',
    createdAt: '2026-01-01T00:00:00.000Z',
    count: COUNT,
    models: [
      {
        spec: {
          id: 'm',
          file: 'model.onnx',
          bytes: model.bytes,
          sha256: model.sha256,
          runtime: 'onnx',
          towers: { image: true },
        } as unknown as ModelSpec,
        dim: DIM,
        quantization: 'int8-symmetric-per-vector',
        shards,
      },
    ],
    items: ref('items.json', new TextEncoder().encode(JSON.stringify(table))),
    thumbs: { maxSide: 256, packs: [{ file: 'p0.bin', bytes: 4, sha256: '0'.repeat(64) }] },
  } satisfies CatalogManifest;
  return { manifest, served };
}

/** A body that sends half its bytes at once and the rest when `release` is called. */
function heldBody(bytes: Uint8Array) {
  let release!: () => void;
  const released = new Promise<void>((done) => (release = done));
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(bytes.slice(0, bytes.byteLength >> 1));
      await released;
      controller.enqueue(bytes.slice(bytes.byteLength >> 1));
      controller.close();
    },
  });
  return { body, release };
}

afterEach(() => vi.unstubAllGlobals());

/** The context of a load into memory that reports nothing. */
function quietContext(downloadsAfter?: Promise<unknown>) {
  return {
    source: new CatalogSource(memoryStore),
    manifestUrl: `${app}catalog/manifest.json`,
    appUrl: app,
    reporter: null,
    wantModel: () => true,
    onModelFiles: () => undefined,
    downloadsAfter,
  };
}

describe('loadCatalog on a first visit', () => {
  it('downloads the runtime, then the model, then the rest', async () => {
    const { manifest, served } = catalog();
    const started: string[] = [];
    let modelBusy = false;
    vi.stubGlobal('fetch', async (url: string) => {
      started.push(url.slice(app.length));
      if (url.includes('model')) modelBusy = true;
      else expect(modelBusy).toBe(false);
      await new Promise((wait) => setTimeout(wait, 5));
      modelBusy = false;
      return new Response(served.get(url)!.slice());
    });
    let runtimeHere!: () => void;
    const runtime = new Promise<void>((done) => (runtimeHere = done));
    const load = loadCatalog(manifest, quietContext(runtime), ['m']);
    await new Promise((wait) => setTimeout(wait, 20));
    expect(started).toEqual([]);
    runtimeHere();
    const { indexes } = await load;
    expect(indexes.get('m')?.count).toBe(COUNT);
    expect(started[0]).toBe('models/m/model.onnx');
    expect(started.slice(1).sort()).toEqual([
      'catalog/items.json',
      'catalog/m/shard-0.bin',
      'catalog/m/shard-1.bin',
    ]);
  });
});

describe('loadCatalog when one file fails while others are in flight', () => {
  it('rejects only once the others have settled, and reports nothing after', async () => {
    const { manifest, served } = catalog();
    const failing = `${app}catalog/m/shard-1.bin`;
    const held = `${app}catalog/items.json`;
    const hold = heldBody(served.get(held)!);
    vi.stubGlobal('fetch', async (url: string) => {
      if (url === failing) return new Response('gone', { status: 404 });
      if (url === held) return new Response(hold.body);
      return new Response(served.get(url)!.slice());
    });
    const updates: LoadUpdate[] = [];
    let settled = false;
    const load = loadCatalog(
      manifest,
      {
        source: new CatalogSource(memoryStore),
        manifestUrl: `${app}catalog/manifest.json`,
        appUrl: app,
        reporter: new LoadReporter((update) => updates.push(update), 0),
        wantModel: () => true,
        onModelFiles: () => undefined,
      },
      ['m'],
    ).finally(() => (settled = true));
    const outcome = load.then(
      () => null,
      (error: unknown) => error,
    );

    // The shard's 404 is final, but the item table is still downloading: the load waits for it.
    await vi.waitFor(() => expect(updates.at(-1)?.status).toBe('downloading'));
    await new Promise((wait) => setTimeout(wait, 50));
    expect(settled).toBe(false);
    hold.release();

    const error = (await outcome) as Error;
    expect(error.message).toMatch(/shard-1\.bin/);
    const count = updates.length;
    await new Promise((wait) => setTimeout(wait, 50));
    // Nothing after the failure could overwrite the error the page shows; a failed file never
    // reads as indexing.
    expect(updates).toHaveLength(count);
    expect(updates.map((u) => u.status)).not.toContain('indexing');
    expect(updates.at(-1)?.progress?.loadedBytes).toBe(
      manifest.items.bytes + MODEL.byteLength + manifest.models[0].shards[0].bytes,
    );
  });
});
