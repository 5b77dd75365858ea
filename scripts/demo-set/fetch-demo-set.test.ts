/** fetchDemoSet against a local server laid out like raw.githubusercontent.com, with faults. */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { photosOf, readManifest, type DemoSetManifest } from './demo-set-manifest.ts';
import { DemoSetError, fetchDemoSet } from './fetch-demo-set.ts';
import { makeManifest, writeManifest } from './make-manifest.ts';
import { startLocalServer, type LocalServer } from '../lib/local-server.ts';

const COMMIT = 'abcdef0123456789abcdef0123456789abcdef01';
const REPO = 'someone/clothing-dataset';

// A small set: four "photos" of random bytes and their csv.
const source = mkdtempSync(join(tmpdir(), 'demo-source-'));
mkdirSync(join(source, 'images'));
const ids = ['aaa-1', 'bbb-2', 'ccc-3', 'ddd-4'];
const csv =
  'image,sender_id,label,kids\n' + ids.map((id, i) => `${id},${i},Shirt,False`).join('\n') + '\n';
writeFileSync(join(source, 'images.csv'), csv);
for (const id of ids) writeFileSync(join(source, 'images', `${id}.jpg`), randomBytes(50_000));
// Written and read back as npm start reads the committed one.
writeManifest(makeManifest(source, REPO, COMMIT), join(source, 'manifest.json.gz'));
const manifest: DemoSetManifest = readManifest(join(source, 'manifest.json.gz'));

const faults = {
  dropOnce: new Set<string>(),
  corrupt: new Set<string>(),
  missing: new Set<string>(),
};
const seen: { file: string; range?: string }[] = [];

function serve(req: IncomingMessage, res: ServerResponse) {
  const prefix = `/${REPO}/${COMMIT}/images/`;
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = path.slice(prefix.length);
  seen.push({ file, range: req.headers.range });
  if (
    !path.startsWith(prefix) ||
    faults.missing.has(file) ||
    !existsSync(join(source, 'images', file))
  ) {
    res.writeHead(404).end();
    return;
  }
  let bytes = readFileSync(join(source, 'images', file));
  if (faults.corrupt.has(file)) {
    bytes = Buffer.from(bytes);
    bytes[100] ^= 1;
  }
  const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
  const body = bytes.subarray(from);
  res.writeHead(from ? 206 : 200, {
    'content-length': body.length,
    ...(from ? { 'content-range': `bytes ${from}-${bytes.length - 1}/${bytes.length}` } : {}),
  });
  if (faults.dropOnce.delete(file)) {
    // Half the body, then the connection drops: after a pause, as fetch-model.test.ts does, so
    // the client has read the half (a reset at once can discard it unread on a loaded machine).
    res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.destroy(), 250));
    return;
  }
  res.end(body);
}

let server: LocalServer;
let base: string;
const quiet = () => {};

beforeAll(async () => {
  server = await startLocalServer(serve);
  base = server.base;
});
afterAll(() => server.close());
beforeEach(() => {
  seen.length = 0;
  faults.dropOnce.clear();
  faults.corrupt.clear();
  faults.missing.clear();
});

const newCache = () => mkdtempSync(join(tmpdir(), 'demo-cache-'));

describe('fetchDemoSet', () => {
  it('fetches every photo verified, writes images.csv, and fetches nothing on the next run', async () => {
    const cache = newCache();
    const set = await fetchDemoSet({ base, cache, manifest, log: quiet });
    expect(set.downloaded).toBe(4);
    expect(readdirSync(set.images).sort()).toEqual(ids.map((id) => `${id}.jpg`));
    for (const id of ids) {
      expect(readFileSync(join(set.images, `${id}.jpg`))).toEqual(
        readFileSync(join(source, 'images', `${id}.jpg`)),
      );
    }
    expect(readFileSync(set.meta, 'utf8')).toBe(csv);
    const requests = seen.length;
    const again = await fetchDemoSet({ base, cache, manifest, log: quiet });
    expect(again.downloaded).toBe(0);
    expect(seen.length).toBe(requests);
  });

  it('resumes a photo whose connection dropped half-way with a Range request', async () => {
    faults.dropOnce.add('bbb-2.jpg');
    const set = await fetchDemoSet({ base, cache: newCache(), manifest, log: quiet });
    expect(readFileSync(join(set.images, 'bbb-2.jpg'))).toEqual(
      readFileSync(join(source, 'images', 'bbb-2.jpg')),
    );
    const ranged = seen.filter((s) => s.file === 'bbb-2.jpg' && s.range);
    expect(ranged).toHaveLength(1);
    expect(Number(/\d+/.exec(ranged[0].range!)![0])).toBeGreaterThan(0);
  });

  it('after an interrupted run, fetches only the photos it does not hold yet', async () => {
    const cache = newCache();
    faults.missing.add('ddd-4.jpg');
    await expect(fetchDemoSet({ base, cache, manifest, parallel: 1, log: quiet })).rejects.toThrow(
      DemoSetError,
    );
    seen.length = 0;
    faults.missing.clear();
    const set = await fetchDemoSet({ base, cache, manifest, parallel: 1, log: quiet });
    expect(seen.map((s) => s.file)).toEqual(['ddd-4.jpg']);
    expect(set.downloaded).toBe(1);
  });

  it('refuses a photo whose bytes do not match its sha256 and keeps nothing of it', async () => {
    faults.corrupt.add('ccc-3.jpg');
    const cache = newCache();
    const error = await fetchDemoSet({ base, cache, manifest, log: quiet }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DemoSetError);
    expect((error as Error).message).toMatch(/ccc-3\.jpg: sha256/);
    const folder = join(cache, `clothing-${COMMIT.slice(0, 12)}`, 'images');
    expect(readdirSync(folder).filter((f) => f.startsWith('ccc-3'))).toEqual([]);
  });

  it('without a network, says how to point npm start at a folder of photos', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const error = await fetchDemoSet({
      base: `http://127.0.0.1:${port}`,
      cache: newCache(),
      manifest,
      attempts: 1,
      log: quiet,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/npm start -- --images DIR/);
  });
});

describe('the committed manifest', () => {
  it('pins one commit of the public repository and lists a size and sha256 per csv row', () => {
    const committed = readManifest();
    expect(committed.repo).toBe('alexeygrigorev/clothing-dataset');
    expect(committed.commit).toMatch(/^[0-9a-f]{40}$/);
    const photos = photosOf(committed);
    expect(photos).toHaveLength(4640);
    for (const photo of photos) {
      expect(photo.name).toMatch(/^[0-9a-f-]{36}\.jpg$/);
      expect(photo.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(photo.bytes).toBeGreaterThan(1000);
    }
  });
});
