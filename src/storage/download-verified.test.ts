// @vitest-environment node
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import type { FileRef } from '../shared/catalog/manifest.ts';
import { downloadVerified } from './download-verified.ts';
import { CatalogError } from './errors.ts';

const body = new Uint8Array(64 * 1024).map((_, i) => (i * 7) & 255);
const ref: FileRef = {
  file: 'shard.bin',
  bytes: body.length,
  sha256: createHash('sha256').update(body).digest('hex'),
};

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

/** A server whose first `stalls` answers send half the body and then nothing, never closing. */
async function serve(stalls: number): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = createServer((_, res) => {
    requests++;
    res.writeHead(200, { 'content-length': body.length });
    if (requests <= stalls) res.write(body.subarray(0, body.length / 2));
    else res.end(body);
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/shard.bin`, requests: () => requests };
}

test('a download that stalls mid-body is abandoned and retried', async () => {
  const { url, requests } = await serve(1);
  const got = await downloadVerified(url, ref, 'shard.bin', { stallMs: 150, baseDelayMs: 1 });
  expect(got).toEqual(body);
  expect(requests()).toBe(2);
});

test('a download that keeps stalling fails with a clear message', async () => {
  const { url, requests } = await serve(Infinity);
  const failure = downloadVerified(url, ref, 'shard.bin', {
    stallMs: 100,
    attempts: 3,
    baseDelayMs: 1,
  });
  await expect(failure).rejects.toThrow(CatalogError);
  await expect(failure).rejects.toThrow('shard.bin: the connection stalled (no data for 100 ms)');
  expect(requests()).toBe(3);
});

test('the caller aborting a stalled download is an abort, not a stall', async () => {
  const { url } = await serve(Infinity);
  const controller = new AbortController();
  const failure = downloadVerified(url, ref, 'shard.bin', {
    stallMs: 10_000,
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(new DOMException('stop', 'AbortError')), 50);
  await expect(failure).rejects.toMatchObject({ name: 'AbortError' });
});
