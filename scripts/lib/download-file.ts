/**
 * One verified, resumable, atomic download: bytes go to `<dest>.part` (resumed with an HTTP
 * Range request after a dropped connection or an interrupted run), are checked against the
 * expected size and sha256, and only then renamed to `dest`.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export class DownloadError extends Error {
  override name = 'DownloadError';
}

export interface Expected {
  bytes?: number;
  sha256?: string;
}

export interface DownloadResult {
  bytes: number;
  sha256: string;
  /** How many times the download picked up from a partial file. */
  resumes: number;
  /** True when `dest` was already there and intact, so nothing was fetched. */
  skipped: boolean;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);

/**
 * What the server says about the file before any byte is read: a HEAD without following
 * redirects, since the hub puts an LFS file's sha256 and size on its redirect
 * (`x-linked-etag`, `x-linked-size`); a plain file's `etag` counts when it is a sha256.
 */
export async function probe(url: string): Promise<Expected> {
  const response = await fetch(url, { method: 'HEAD', redirect: 'manual' });
  if (response.status >= 400) {
    throw new DownloadError(`${url}: the server answered ${response.status}`);
  }
  const unquote = (v: string | null) => v?.replace(/^W\//, '').replace(/"/g, '') ?? undefined;
  const etag = unquote(response.headers.get('x-linked-etag') ?? response.headers.get('etag'));
  const size = response.headers.get('x-linked-size') ?? response.headers.get('content-length');
  const redirected = response.status >= 300;
  return {
    sha256: etag && /^[0-9a-f]{64}$/.test(etag) ? etag : undefined,
    // A redirect's own content-length is its (empty) body's, not the file's.
    bytes:
      size && (!redirected || response.headers.has('x-linked-size')) ? Number(size) : undefined,
  };
}

/** Appends the rest of the file (from the part file's size on) to the part file. */
async function fetchRest(url: string, part: string): Promise<void> {
  const have = sizeOf(part);
  const response = await fetch(url, have ? { headers: { Range: `bytes=${have}-` } } : {});
  if (have && response.status === 416) return; // the part file already holds every byte
  if (!response.ok || !response.body) {
    throw new DownloadError(`${url}: the server answered ${response.status}`);
  }
  // 200 to a Range request: the server sends the whole file, so start the part over.
  const append = have > 0 && response.status === 206;
  await pipeline(
    Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    createWriteStream(part, { flags: append ? 'a' : 'w' }),
  );
}

/**
 * Downloads `url` to `dest`, resuming up to `attempts` times; `expected` (pinned or probed)
 * is checked before the rename. An intact `dest` with a known sha256 is left as it is.
 */
export async function downloadFile(
  url: string,
  dest: string,
  expected: Expected,
  options: { attempts?: number; log?: (line: string) => void } = {},
): Promise<DownloadResult> {
  if (expected.sha256 && existsSync(dest) && (await sha256File(dest)) === expected.sha256) {
    return { bytes: sizeOf(dest), sha256: expected.sha256, resumes: 0, skipped: true };
  }
  const part = `${dest}.part`;
  const attempts = options.attempts ?? 5;
  let resumes = 0;
  for (let attempt = 1; ; attempt++) {
    if (sizeOf(part) > 0) resumes++;
    try {
      await fetchRest(url, part);
      break;
    } catch (error) {
      if (error instanceof DownloadError || attempt >= attempts) throw error;
      options.log?.(`  ${url}: ${(error as Error).message}; resuming at ${sizeOf(part)} bytes`);
    }
  }
  const bytes = sizeOf(part);
  const sha256 = await sha256File(part);
  const wrong =
    expected.bytes !== undefined && bytes !== expected.bytes
      ? `${bytes} bytes, expected ${expected.bytes}`
      : expected.sha256 && sha256 !== expected.sha256
        ? `sha256 ${sha256}, expected ${expected.sha256}`
        : null;
  if (wrong) {
    // A bad part file would only be resumed into another bad file: drop it.
    rmSync(part, { force: true });
    throw new DownloadError(`${url}: ${wrong}`);
  }
  renameSync(part, dest);
  return { bytes, sha256, resumes, skipped: false };
}
