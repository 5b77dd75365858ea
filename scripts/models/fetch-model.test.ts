import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseModelSpec } from '../../src/shared/catalog/validate-manifest.ts';
import { familyFiles, type RegistryEntry } from '../../src/shared/model/registry.ts';
import { DownloadError } from '../lib/download-file.ts';
import { startLocalServer, type LocalServer } from '../lib/local-server.ts';
import { fetchModel } from './fetch-model.ts';
import { buildClipFixture } from './make-clip-fixture.ts';
import { buildDinov2Fixture } from './make-dinov2-fixture.ts';
import { loadTransformersNodeModel } from '../lib/transformers-node-model.ts';

// The "hub": the fixtures' files, served like huggingface.co serves repositories
// (`lookalike/<fixture id>`).
const hubDir = mkdtempSync(join(tmpdir(), 'hub-'));
const { spec: fixture } = buildClipFixture({ dir: hubDir });
const { spec: dinoFixture } = buildDinov2Fixture({ dir: hubDir });
const repoDir = join(hubDir, 'clip-fixture');
const REPO = 'lookalike/clip-fixture';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Test knobs: which file drops its connection half-way (once), which is served corrupted. */
const faults = { dropOnce: new Set<string>(), corrupt: new Set<string>() };
const seen: { method: string; file: string; lfs: boolean; range?: string }[] = [];

function serve(req: IncomingMessage, res: import('node:http').ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const lfs = url.pathname.startsWith('/lfs/');
  // /lookalike/<id>/resolve/main/<file>, or /lfs/<id>/<file> after the LFS redirect.
  const parts = url.pathname.split('/');
  const id = parts[2];
  const file = parts.slice(lfs ? 3 : 5).join('/');
  seen.push({ method: req.method!, file, lfs, range: req.headers.range });
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(hubDir, id, file));
  } catch {
    res.writeHead(404).end();
    return;
  }
  // Like the hub: ONNX files are LFS, answered by a redirect carrying their sha256 and size.
  if (!lfs && file.endsWith('.onnx')) {
    res
      .writeHead(302, {
        location: `/lfs/${id}/${file}`,
        'x-linked-etag': `"${sha256(bytes)}"`,
        'x-linked-size': String(bytes.length),
        'content-length': '0',
      })
      .end();
    return;
  }
  if (faults.corrupt.has(file)) {
    bytes = Buffer.from(bytes);
    bytes[bytes.length >> 1] ^= 1;
  }
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const headers = {
    'content-length': String(bytes.length - start),
    // Plain files carry a git hash as their etag, which is no sha256.
    etag: `"${createHash('sha1').update(bytes).digest('hex')}"`,
    ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
  };
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD') return void res.end();
  if (faults.dropOnce.delete(file)) {
    // Half the bytes, then the connection dies.
    // The reset waits a moment, so the client has read the half that was sent (a reset
    // discards unread bytes, and under load that could be all of them).
    res.write(bytes.subarray(start, start + ((bytes.length - start) >> 1)), () =>
      setTimeout(() => res.destroy(), 250),
    );
    return;
  }
  res.end(bytes.subarray(start));
}

let server: LocalServer;
let base: string;

beforeAll(async () => {
  server = await startLocalServer(serve);
  base = server.base;
});
afterAll(() => server.close());
beforeEach(() => {
  faults.dropOnce.clear();
  faults.corrupt.clear();
  seen.length = 0;
});

const entry = (
  files: RegistryEntry['files'] = fixture.files!.map((f) => ({ file: f.file })),
): RegistryEntry => ({
  id: 'clip-fetched',
  repo: REPO,
  name: 'Fetched fixture',
  family: 'clip',
  towers: { image: true, text: true },
  dim: fixture.output.dim,
  files,
  downloadMB: 0.1,
  input: fixture.input,
  licence: 'MIT',
  goodFor: 'tests',
});

describe('npm run models:fetch', () => {
  it('downloads every file, resumes a dropped connection with a Range request, verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fetched-'));
    faults.dropOnce.add('onnx/text_model.onnx');
    const report = await fetchModel(entry(), { base, dir });
    expect(report.downloaded).toBe(fixture.files!.length);
    expect(report.resumes).toBe(1);
    const resumed = seen.filter((r) => r.lfs && r.file === 'onnx/text_model.onnx' && r.range);
    expect(resumed).toHaveLength(1);
    const textBytes = fixture.files!.find((f) => f.file === 'onnx/text_model.onnx')!.bytes;
    expect(Number(/bytes=(\d+)-/.exec(resumed[0].range!)![1])).toBe(textBytes >> 1);
    for (const f of fixture.files!) {
      const bytes = readFileSync(join(dir, 'clip-fetched', f.file));
      expect(sha256(bytes)).toBe(f.sha256);
      expect(existsSync(join(dir, 'clip-fetched', `${f.file}.part`))).toBe(false);
    }
    const spec = parseModelSpec(
      JSON.parse(readFileSync(join(dir, 'clip-fetched', 'model.json'), 'utf8')),
    );
    expect(spec).toMatchObject({
      id: 'clip-fetched',
      runtime: 'transformers',
      file: 'onnx/vision_model.onnx',
      sha256: fixture.sha256,
    });
    expect(spec.files).toEqual(fixture.files);

    // A second run finds every file with a known sha256 in place and fetches none of them.
    seen.length = 0;
    const again = await fetchModel(entry(), { base, dir });
    expect(again.skipped).toBe(2);
    expect(seen.filter((r) => r.method === 'GET' && r.file.endsWith('.onnx'))).toEqual([]);
  });

  it('picks up a part file an interrupted run left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fetched-'));
    const vision = readFileSync(join(repoDir, 'onnx/vision_model.onnx'));
    const files = [{ file: 'onnx/vision_model.onnx' }];
    // Simulate the interruption: a third of the file in the part file, a stale final file.
    mkdirSync(join(dir, 'clip-fetched', 'onnx'), { recursive: true });
    const dest = join(dir, 'clip-fetched', 'onnx/vision_model.onnx');
    writeFileSync(`${dest}.part`, vision.subarray(0, Math.floor(vision.length / 3)));
    writeFileSync(dest, 'stale');
    seen.length = 0;
    const report = await fetchModel(entry(files), { base, dir });
    expect(report.resumes).toBe(1);
    expect(seen.find((r) => r.lfs && r.method === 'GET')?.range).toBe(
      `bytes=${Math.floor(vision.length / 3)}-`,
    );
    expect(sha256(readFileSync(dest))).toBe(sha256(vision));
  });

  it('refuses a file that does not match its sha256 and leaves no file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fetched-'));
    const config = fixture.files!.find((f) => f.file === 'config.json')!;
    faults.corrupt.add('config.json');
    await expect(
      fetchModel(entry([{ file: 'config.json', sha256: config.sha256 }]), { base, dir }),
    ).rejects.toThrow(DownloadError);
    expect(existsSync(join(dir, 'clip-fetched', 'config.json'))).toBe(false);
    expect(existsSync(join(dir, 'clip-fetched', 'config.json.part'))).toBe(false);
  });

  it('reports a file the hub does not have', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fetched-'));
    await expect(
      fetchModel(entry([{ file: 'onnx/missing.onnx' }]), { base, dir }),
    ).rejects.toThrow(/404/);
  });

  it('fetches an image-only DINOv2 model as a loadable spec, preprocessing from its own config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fetched-'));
    const lines: string[] = [];
    const dino: RegistryEntry = {
      ...entry(familyFiles('dinov2', { image: true, text: false })),
      id: 'dinov2-fetched',
      repo: 'lookalike/dinov2-fixture',
      family: 'dinov2',
      towers: { image: true, text: false },
      dim: dinoFixture.output.dim,
      // The registry's guess is a 224 input; the model's preprocessor_config.json wins.
      input: { ...dinoFixture.input, size: 224 },
    };
    const { spec } = await fetchModel(dino, { base, dir, log: (line) => lines.push(line) });
    expect(spec).toMatchObject({
      family: 'dinov2',
      file: 'onnx/model.onnx',
      sha256: dinoFixture.sha256,
      output: { name: 'pooler_output', dim: dinoFixture.output.dim },
      input: dinoFixture.input,
    });
    expect(lines).toContain(
      `  preprocessing from preprocessor_config.json: size 224 → ${dinoFixture.input.size}`,
    );
    const model = await loadTransformersNodeModel(spec, dir);
    const { size } = spec.input;
    const pixel = { width: size, height: size, data: new Uint8ClampedArray(size * size * 4).fill(200) };
    const vector = await model.embedImages([pixel]);
    expect(vector).toHaveLength(dinoFixture.output.dim);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    await model.dispose();
  });
});
