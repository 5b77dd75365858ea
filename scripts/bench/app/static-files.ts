/**
 * A plain static host's answer to one request, as the bench's stand-in for "any static host":
 * files from one folder with ETag/Last-Modified, single-range Range requests, COOP/COEP headers,
 * no compression and no cache policy of its own (the browser's heuristics apply, as on most hosts).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { ISOLATION_HEADERS } from '../../../src/shared/isolation-headers.ts';

export interface Answer {
  status: number;
  headers: OutgoingHttpHeaders;
  /** null for HEAD, 304, 404 and 416. */
  body: Readable | null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** The file a URL path names inside `root` (index.html for a folder), or null. */
function fileOf(root: string, urlPath: string): string | null {
  let file = normalize(join(root, decodeURIComponent(urlPath)));
  if (file !== root && !file.startsWith(root + sep)) return null;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

/** The one byte range of a `Range: bytes=a-b` header (suffix and open ranges too), or 'bad'. */
export function parseRange(header: string, size: number): { start: number; end: number } | 'bad' {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'bad';
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? 'bad' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start > end || start >= size ? 'bad' : { start, end };
}

export function staticAnswer(
  root: string,
  method: string,
  urlPath: string,
  request: IncomingHttpHeaders,
  isolated = true,
): Answer {
  const isolation = isolated ? ISOLATION_HEADERS : {};
  const file = fileOf(root, urlPath);
  if (!file || (method !== 'GET' && method !== 'HEAD')) {
    return { status: 404, headers: { ...isolation, 'Content-Length': 0 }, body: null };
  }
  const stat = statSync(file);
  const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const headers: OutgoingHttpHeaders = {
    ...isolation,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': stat.mtime.toUTCString(),
  };
  if (request['if-none-match'] === etag) return { status: 304, headers, body: null };
  const range = request.range ? parseRange(request.range, stat.size) : null;
  if (range === 'bad') {
    return {
      status: 416,
      headers: { ...headers, 'Content-Range': `bytes */${stat.size}`, 'Content-Length': 0 },
      body: null,
    };
  }
  const { start, end } = range ?? { start: 0, end: stat.size - 1 };
  headers['Content-Length'] = end - start + 1;
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${stat.size}`;
  const body = method === 'HEAD' || stat.size === 0 ? null : createReadStream(file, { start, end });
  return { status: range ? 206 : 200, headers, body };
}
