/**
 * Which files transformers.js really requests for each model family: the fixtures are served as
 * hub repositories by a local HTTP server, the embedder loads them from there, and the requests
 * are compared with the registry's file lists.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as transformers from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_REGISTRY } from '../../src/shared/model/registry.ts';
import type { ModelSpec, TransformersFamily } from '../../src/shared/model/spec.ts';
import { createTransformersEmbedder } from '../../src/shared/model/transformers-embedder.ts';
import { buildClipFixture } from './make-clip-fixture.ts';
import { buildDinov2Fixture } from './make-dinov2-fixture.ts';
import { buildSiglipFixture } from './make-siglip-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'tf-files-'));
const fixtures: Record<TransformersFamily, ModelSpec> = {
  clip: buildClipFixture({ dir }).spec,
  siglip: buildSiglipFixture({ dir }).spec,
  dinov2: buildDinov2Fixture({ dir }).spec,
};

/** Requests seen, per repository: `GET file` for a download, `PROBE file` for a 1-byte range. */
const seen = new Map<string, string[]>();
let server: Server;

beforeAll(async () => {
  server = createServer((req, res) => {
    const [, owner, id, , , ...rest] = new URL(req.url ?? '/', 'http://x').pathname.split('/');
    const file = rest.join('/');
    const probe = req.headers.range === 'bytes=0-0';
    const log = seen.get(`${owner}/${id}`) ?? [];
    seen.set(`${owner}/${id}`, log);
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, id, file));
    } catch {
      log.push(`MISSING ${file}`);
      res.writeHead(404).end();
      return;
    }
    log.push(`${probe ? 'PROBE' : 'GET'} ${file}`);
    if (probe) {
      res.writeHead(206, { 'content-range': `bytes 0-0/${bytes.length}`, 'content-length': '1' });
      res.end(bytes.subarray(0, 1));
      return;
    }
    res.writeHead(200, { 'content-length': String(bytes.length) }).end(bytes);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { env } = transformers;
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.remoteHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  // In Node, ONNX files are opened from disk, so downloads go through a (fresh) file cache.
  env.useFSCache = true;
  env.cacheDir = mkdtempSync(join(tmpdir(), 'tf-files-cache-'));
  env.useBrowserCache = false;
});

afterAll(() => new Promise((done) => server.close(done)));

describe('files transformers.js requests, per family', () => {
  for (const family of ['clip', 'siglip', 'dinov2'] as const) {
    it(`${family}: exactly the registry's files (preprocessor_config.json aside)`, async () => {
      const spec = fixtures[family];
      const repo = `hub/${spec.id}`;
      const embedder = await createTransformersEmbedder(transformers, spec, {
        device: 'cpu',
        modelPath: repo,
      });
      await embedder.embedImages(new Float32Array(embedder.imageLength), 1);
      if (spec.towers.text) await embedder.embedTexts(['red dress']);
      await embedder.dispose();

      const log = seen.get(repo) ?? [];
      expect(log.filter((line) => line.startsWith('MISSING'))).toEqual([]);
      const downloaded = new Set(log.filter((l) => l.startsWith('GET ')).map((l) => l.slice(4)));
      const entries = MODEL_REGISTRY.filter((e) => e.family === family);
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        // preprocessor_config.json is fetched for models:fetch's own check of the registry's
        // preprocessing; the app preprocesses itself, so transformers.js never reads it.
        const listed = entry.files.map((f) => f.file).filter((f) => f !== 'preprocessor_config.json');
        expect([...downloaded].sort(), entry.id).toEqual(listed.sort());
      }
    });
  }
});
