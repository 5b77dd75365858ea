// @vitest-environment node
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, expect, test } from 'vitest';
import type { FileRef } from '../shared/catalog/manifest.ts';
import { downloadVerified } from './download-verified.ts';

const body = new Uint8Array(64 * 1024).map((_, i) => (i * 7) & 255);
const packed = gzipSync(body, { level: 9 });
const ref: FileRef = {
  file: 'shard.bin',
  bytes: body.length,
  sha256: createHash('sha256').update(body).digest('hex'),
  gzipBytes: packed.length,
};

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

type CopyAnswer = 'gzip' | 'missing' | 'damaged' | 'decoded-by-host' | 'html';

/** Serves shard.bin and, as `copy` says, its gzip copy; records every path asked for. */
async function serve(copy: CopyAnswer): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  server = createServer((req, res) => {
    asked.push(req.url!);
    if (req.url === '/shard.bin') {
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } else if (copy === 'missing') {
      res.writeHead(404).end();
    } else if (copy === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>app</p>');
    } else if (copy === 'damaged') {
      const bad = Uint8Array.from(packed);
      bad[packed.length >> 1] ^= 0xff;
      res.writeHead(200, { 'content-length': bad.length }).end(bad);
    } else {
      const headers = copy === 'decoded-by-host' ? { 'content-encoding': 'gzip' } : {};
      res.writeHead(200, { ...headers, 'content-length': packed.length }).end(packed);
    }
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/shard.bin`, asked };
}

test('a file with a gzip copy is fetched as the copy alone, with progress in its own bytes', async () => {
  const { url, asked } = await serve('gzip');
  const progress: number[] = [];
  const got = await downloadVerified(url, ref, 'shard.bin', { onBytes: (n) => progress.push(n) });
  expect(got).toEqual(body);
  expect(asked).toEqual(['/shard.bin.gz']);
  expect(progress.at(-1)).toBe(body.length);
  expect(progress.every((n) => n <= body.length)).toBe(true);
});

test.each(['missing', 'damaged', 'html'] as const)(
  'a %s copy falls back to the file itself',
  async (copy) => {
    const { url, asked } = await serve(copy);
    const got = await downloadVerified(url, ref, 'shard.bin', { baseDelayMs: 1 });
    expect(got).toEqual(body);
    expect(asked).toEqual(['/shard.bin.gz', '/shard.bin']);
  },
);

test('a copy the host labels with Content-Encoding arrives decoded and is used as it is', async () => {
  const { url, asked } = await serve('decoded-by-host');
  expect(await downloadVerified(url, ref, 'shard.bin')).toEqual(body);
  expect(asked).toEqual(['/shard.bin.gz']);
});

test('a file without a gzip copy in its reference is fetched itself', async () => {
  const { url, asked } = await serve('gzip');
  const plain: FileRef = { file: ref.file, bytes: ref.bytes, sha256: ref.sha256 };
  expect(await downloadVerified(url, plain, 'shard.bin')).toEqual(body);
  expect(asked).toEqual(['/shard.bin']);
});
