/**
 * The app's host as the browser sees it in the startup suite: a loopback server that either
 * serves the built folder itself (a plain static host) or relays to `vite preview`, logs every
 * response it sends (path, status, bytes, whole or not) and can throttle them all to a phone's
 * link. Throttling here, at the server, covers the page's, the worker's and the service
 * worker's requests alike, which per-page DevTools network emulation would not.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { staticAnswer, type Answer } from './static-files.ts';
import { Link, type LinkProfile } from './link.ts';

export interface Transfer {
  path: string;
  status: number;
  /** Body bytes sent so far (headers not counted). */
  bytes: number;
  /** The body was sent to its end (false while in flight or when the browser dropped it). */
  complete: boolean;
  /** A 200 carries the whole file; a 206 part of it. */
  whole: boolean;
  /** Date.now() when the request arrived. */
  startedAt: number;
}

export interface MeteredHost {
  url: string;
  /** Every response since the last `reset()`, live (bytes grow while sending). */
  readonly transfers: readonly Transfer[];
  /** A copy of the log as it stands now. */
  /** The transfers so far; with `arrivedBy` (Date.now() ms), of the requests that arrived by then. */
  snapshot(arrivedBy?: number): Transfer[];
  reset(): void;
  /** Throttles from now on (null: loopback speed). */
  setProfile(profile: LinkProfile | null): void;
  /** Resolves once nothing has been in flight for `quietMs` (or after `maxMs`). */
  settled(quietMs?: number, maxMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Where answers come from: the built folder, or a running server to relay to. */
/** A folder served as a static host (with COOP/COEP unless `isolated` is false), or a relay. */
export type Origin = { folder: string; isolated?: boolean } | { relayTo: string };

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function relay(target: string, request: IncomingMessage): Promise<Answer> {
  return new Promise((done, fail) => {
    const upstream = httpRequest(
      new URL(request.url ?? '/', target),
      { method: request.method, headers: { ...request.headers, host: new URL(target).host } },
      (response) => {
        const headers: OutgoingHttpHeaders = { ...response.headers };
        delete headers.connection;
        delete headers['keep-alive'];
        done({ status: response.statusCode ?? 502, headers, body: response });
      },
    );
    upstream.on('error', fail);
    request.pipe(upstream);
  });
}

async function send(body: Readable, response: ServerResponse, log: Transfer, link: Link | null) {
  for await (const chunk of body as AsyncIterable<Buffer>) {
    // Pieces of 16 KiB share the link fairly between parallel responses.
    for (let at = 0; at < chunk.byteLength; at += 16_384) {
      const piece = chunk.subarray(at, at + 16_384);
      if (link) await link.transmit(piece.byteLength);
      if (response.destroyed) return;
      if (!response.write(piece)) {
        await new Promise((drained) => response.once('drain', drained));
      }
      log.bytes += piece.byteLength;
    }
  }
}

export async function startMeteredHost(origin: Origin): Promise<MeteredHost> {
  let transfers: Transfer[] = [];
  let link: Link | null = null;
  let inFlight = 0;
  let lastActivity = Date.now();
  const greeted = new WeakSet<Socket>();

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    inFlight++;
    const log: Transfer = {
      path: new URL(request.url ?? '/', 'http://x').pathname,
      status: 0,
      bytes: 0,
      complete: false,
      whole: false,
      startedAt: Date.now(),
    };
    transfers.push(log);
    try {
      // A round trip per request, and one more for a new connection's handshake.
      if (link) await sleep(link.rttMs * (greeted.has(request.socket) ? 1 : 2));
      greeted.add(request.socket);
      const answer =
        'folder' in origin
          ? staticAnswer(
              origin.folder,
              request.method ?? 'GET',
              log.path,
              request.headers,
              origin.isolated,
            )
          : await relay(origin.relayTo, request);
      log.status = answer.status;
      log.whole = answer.status === 200;
      response.writeHead(answer.status, answer.headers);
      if (answer.body) await send(answer.body, response, log, link);
      answer.body?.destroy();
      response.end();
      log.complete = !response.destroyed;
    } catch {
      response.destroy();
    } finally {
      inFlight--;
      lastActivity = Date.now();
    }
  };

  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get transfers() {
      return transfers;
    },
    snapshot: (arrivedBy = Infinity) =>
      transfers.filter((t) => t.startedAt <= arrivedBy).map((t) => ({ ...t })),
    reset: () => void (transfers = []),
    setProfile: (profile) => void (link = profile ? new Link(profile) : null),
    async settled(quietMs = 1000, maxMs = 60_000) {
      const deadline = Date.now() + maxMs;
      while (Date.now() < deadline && (inFlight > 0 || Date.now() - lastActivity < quietMs)) {
        await sleep(100);
      }
    },
    stop: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
