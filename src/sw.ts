/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell (models and catalog come through the verified
 * catalog download into IndexedDB), serves ONNX Runtime's .wasm from the runtime cache the search
 * worker fills, serves the app offline and cross-origin isolated (sw-isolation.ts), takes Android
 * share-target photos, and activates a new version only when the page asks (the shopper pressed
 * Update).
 */
import {
  addPlugins,
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { ExpirationPlugin } from 'workbox-expiration';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { isRuntimeWasm } from './engine-api/runtime-cache.ts';
import { isolationPlugin } from './sw-isolation.ts';
import { dropOtherRuntimes, keepRuntime, runtimeResponse } from './sw-runtime-cache.ts';
import {
  SHARE_CACHE,
  SHARE_TARGET_ACTION,
  SHARE_TARGET_FIELD,
  SHARED_PARAM,
  SHARED_PHOTO_KEY,
} from './ui/share/share-target.ts';

declare const self: ServiceWorkerGlobalScope;

const scope = new URL(self.registration.scope);
const shareTargetUrl = new URL(SHARE_TARGET_ACTION, scope).href;

/** Keeps the shared photo for the app to take, then sends the browser to the app. */
async function receiveShare(request: Request): Promise<Response> {
  const form = await request.formData();
  const photo = form.getAll(SHARE_TARGET_FIELD).find((entry) => entry instanceof File);
  const app = new URL(scope);
  app.searchParams.set(SHARED_PARAM, photo ? '1' : '0');
  if (photo) {
    const cache = await caches.open(SHARE_CACHE);
    await cache.put(
      new URL(SHARED_PHOTO_KEY, scope).href,
      new Response(photo, {
        headers: { 'Content-Type': photo.type || 'application/octet-stream' },
      }),
    );
  }
  return Response.redirect(app.href, 303);
}

// Registered before workbox's routes: they only answer GET, this answers the share POST.
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method === 'POST' && request.url.split('?')[0] === shareTargetUrl) {
    event.respondWith(receiveShare(request));
  }
});

// The build lists the runtime .wasm with the shell; it is kept apart: the search worker fetches
// it on a first visit (before this worker controls it), so precaching it would fetch 14 MB twice.
const entries = self.__WB_MANIFEST.map((e) =>
  typeof e === 'string' ? { url: e, revision: null } : e,
);
const runtimeUrls = entries.map((e) => new URL(e.url, scope).href).filter(isRuntimeWasm);
// The shell it serves (the page, the search worker's script) makes the app cross-origin isolated.
addPlugins([isolationPlugin]);
precacheAndRoute(entries.filter((e) => !isRuntimeWasm(new URL(e.url, scope).href)));
cleanupOutdatedCaches();
registerRoute(
  ({ url }) => runtimeUrls.includes(url.href),
  ({ request }) => runtimeResponse(request),
);
// An update (not the first install: then the worker fetches it) gets its runtime before it waits.
self.addEventListener('install', (event) => {
  if (self.registration.active) event.waitUntil(keepRuntime(runtimeUrls));
});
self.addEventListener('activate', (event) => event.waitUntil(dropOtherRuntimes(runtimeUrls)));
// transformers.js (0.46 MB) runs only for a CLIP-family model, which downloads when picked: its
// chunks are kept the first time they load instead of being precached for every visitor.
registerRoute(
  ({ url }) => url.origin === scope.origin && /\/assets\/transformers[^/]*\.js$/.test(url.pathname),
  new CacheFirst({
    cacheName: 'lookalike-transformers-v1',
    plugins: [new ExpirationPlugin({ maxEntries: 4 })],
  }),
);
// The same for the WebGPU build's JS (0.12 MB), which only devices with a GPU load; its .wasm
// is kept by the search worker (src/worker/models/webgpu-ort.ts).
registerRoute(
  ({ url }) => url.origin === scope.origin && /\/assets\/ort\.webgpu[^/]*\.js$/.test(url.pathname),
  new CacheFirst({
    cacheName: 'lookalike-webgpu-js-v1',
    plugins: [new ExpirationPlugin({ maxEntries: 2 })],
  }),
);
// Any navigation inside the scope gets the app shell, online or not.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The first install controls the open page at once (there is no old version to displace).
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
