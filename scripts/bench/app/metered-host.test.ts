/** The startup suite's host: a static host's answers (Range, COOP/COEP, 304) and its log. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMeteredHost, type MeteredHost } from './metered-host.ts';
import { parseRange } from './static-files.ts';
import { kindOf, summarise } from './transfer-summary.ts';

describe('parseRange', () => {
  it('reads closed, open and suffix ranges and refuses what lies outside the file', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('bad');
    expect(parseRange('bytes=0-1,5-6', 100)).toBe('bad');
  });
});

describe('kindOf', () => {
  it('sorts the built app’s files by what they are for', () => {
    expect(kindOf('/catalog/thumbs/pack-000-1d9c7baf55d9.bin')).toBe('pictures');
    expect(kindOf('/catalog/items/items-d79b99eb583b.json')).toBe('items');
    expect(kindOf('/catalog/manifest.json')).toBe('items');
    expect(kindOf('/catalog/mobilenet-v2/shard-000-f4498a997d0f.bin')).toBe('vectors');
    expect(kindOf('/models/mobilenet-v2/model.onnx')).toBe('model');
    expect(kindOf('/assets/ort-wasm-simd-threaded-DcHrbrbl.wasm')).toBe('runtime');
    expect(kindOf('/assets/ort-wasm-simd-threaded-DcHrbrbl.wasm.gz')).toBe('runtime');
    expect(kindOf('/assets/index-BwmKhRnU.js')).toBe('shell');
    expect(kindOf('/')).toBe('shell');
  });
});

describe('startMeteredHost on a folder', () => {
  let dir: string;
  let host: MeteredHost;
  const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'metered-host-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'models/m.onnx'), body);
    host = await startMeteredHost({ folder: dir });
  });
  afterAll(async () => {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves ranges with the isolation headers and logs whole and partial sends', async () => {
    host.reset();
    const whole = await fetch(new URL('models/m.onnx', host.url));
    expect(whole.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(whole.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(whole.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(body);
    const part = await fetch(new URL('models/m.onnx', host.url), {
      headers: { Range: 'bytes=10-19' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(body.subarray(10, 20));
    await fetch(new URL('models/m.onnx', host.url)).then((r) => r.arrayBuffer());
    await host.settled(50);
    const summary = summarise(host.transfers);
    expect(summary.requests).toBe(3);
    expect(summary.bytes.model).toBe(2010);
    expect(summary.wholeTwice).toEqual({ '/models/m.onnx': 2 });
  });

  it('snapshots only the requests that arrived by a given instant', async () => {
    host.reset();
    await fetch(new URL('models/m.onnx', host.url)).then((r) => r.arrayBuffer());
    const between = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await fetch(host.url).then((r) => r.text());
    await host.settled(50);
    expect(host.snapshot().map((t) => t.path)).toEqual(['/models/m.onnx', '/']);
    expect(host.snapshot(between).map((t) => t.path)).toEqual(['/models/m.onnx']);
  });

  it('answers a matching ETag with 304 and no body, and a folder with its index.html', async () => {
    const first = await fetch(new URL('models/m.onnx', host.url));
    await first.arrayBuffer();
    const again = await fetch(new URL('models/m.onnx', host.url), {
      headers: { 'If-None-Match': first.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect(await (await fetch(host.url)).text()).toBe('<!doctype html>');
    expect((await fetch(new URL('../outside', host.url))).status).toBe(404);
  });
});
