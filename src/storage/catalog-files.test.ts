import { describe, expect, it } from 'vitest';
import type { CatalogManifest } from '../shared/catalog/manifest.ts';
import type { ModelSpec } from '../shared/model/spec.ts';
import { catalogFiles, referencedHashes } from './catalog-files.ts';

const spec = (id: string, runtime: ModelSpec['runtime']) =>
  ({ id, file: 'model.onnx', sha256: `${id}-hash`, bytes: 10, runtime }) as ModelSpec;

const manifest = {
  version: 'v1',
  count: 4,
  models: [
    {
      spec: spec('mobilenet-v2', 'onnx'),
      dim: 8,
      quantization: 'int8-symmetric-per-vector',
      // Listed out of order: loading must follow index order.
      shards: [
        { file: 'shards/b.bin', bytes: 2, sha256: 'sb', start: 2, count: 2 },
        { file: 'shards/a.bin', bytes: 2, sha256: 'sa', start: 0, count: 2 },
      ],
    },
    {
      spec: spec('clip', 'transformers'),
      dim: 4,
      quantization: 'int8-symmetric-per-vector',
      shards: [{ file: 'shards/c.bin', bytes: 2, sha256: 'sc', start: 0, count: 4 }],
    },
  ],
  items: { file: 'items.json', bytes: 3, sha256: 'si' },
  thumbs: {
    maxSide: 256,
    packs: [{ file: 'thumbs/p0.bin', bytes: 5, sha256: 'sp' }],
    digests: { file: 'thumbs/d.bin', bytes: 64, sha256: 'sd' },
  },
} as unknown as CatalogManifest;

describe('catalogFiles', () => {
  const app = 'https://shop.example/demo/lookalike/';
  const files = catalogFiles(
    manifest,
    `${app}catalog/manifest.json`,
    app,
    (m) => m.spec.runtime === 'onnx',
  );

  it('lists model, item table, shards in index order and packs, runnable models only', () => {
    expect(files.map((f) => [f.phase, f.path])).toEqual([
      ['model', 'models/mobilenet-v2/model.onnx'],
      ['items', 'catalog/items.json'],
      ['shards', 'catalog/shards/a.bin'],
      ['shards', 'catalog/shards/b.bin'],
      ['thumbnails', 'catalog/thumbs/p0.bin'],
      ['digests', 'catalog/thumbs/d.bin'],
    ]);
  });

  it('resolves catalog files against the manifest and models against the app, under a sub-path', () => {
    expect(files[0].url).toBe(`${app}models/mobilenet-v2/model.onnx`);
    expect(files[2].url).toBe(`${app}catalog/shards/a.bin`);
    expect(files[0].ref).toEqual({
      file: 'models/mobilenet-v2/model.onnx',
      bytes: 10,
      sha256: 'mobilenet-v2-hash',
    });
  });

  it('lists every file of a multi-file model', () => {
    const clip = structuredClone(manifest);
    clip.models[1].spec.files = [
      { file: 'config.json', bytes: 3, sha256: 'sconfig' },
      { file: 'onnx/vision_model.onnx', bytes: 10, sha256: 'clip-hash' },
    ];
    const all = catalogFiles(clip, `${app}catalog/manifest.json`, app);
    expect(all.filter((f) => f.phase === 'model').map((f) => [f.modelId, f.path])).toEqual([
      ['mobilenet-v2', 'models/mobilenet-v2/model.onnx'],
      ['clip', 'models/clip/config.json'],
      ['clip', 'models/clip/onnx/vision_model.onnx'],
    ]);
    expect(referencedHashes(clip)).toContain('sconfig');
  });

  it('keeps every file of every model when collecting garbage', () => {
    expect([...referencedHashes(manifest)].sort()).toEqual(
      ['clip-hash', 'mobilenet-v2-hash', 'sa', 'sb', 'sc', 'si', 'sp', 'sd'].sort(),
    );
  });
});
