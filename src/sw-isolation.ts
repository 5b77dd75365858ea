/**
 * Cross-origin isolation from the service worker: the app shell it serves gets COOP/COEP, so from
 * the second visit on the page and its workers are cross-origin isolated (SharedArrayBuffer,
 * ONNX Runtime's threads) on any static host, including those that cannot send the headers. The
 * app loads nothing from other origins, so `require-corp` blocks nothing it needs.
 */
import type { WorkboxPlugin } from 'workbox-core';
import { ISOLATION_HEADERS } from './shared/isolation-headers.ts';

/** `response` with the isolation headers (unchanged when it has them or cannot carry them). */
export function withIsolation(response: Response): Response {
  const headers = new Headers(response.headers);
  const missing = Object.entries(ISOLATION_HEADERS).filter(([name]) => !headers.has(name));
  // Opaque and error responses (status 0) cannot be rebuilt; they are not documents or scripts.
  if (!missing.length || response.status === 0) return response;
  for (const [name, value] of missing) headers.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/** For Workbox strategies: every response they hand to the page goes through withIsolation. */
export const isolationPlugin: WorkboxPlugin = {
  handlerWillRespond: async ({ response }) => withIsolation(response),
};
