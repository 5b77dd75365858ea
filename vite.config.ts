import { svelte } from '@sveltejs/vite-plugin-svelte';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { compressedRuntime } from './scripts/vite/compressed-runtime.ts';
import { contentSecurityPolicyPlugin } from './scripts/vite/content-security-policy.ts';
import { serveModels } from './scripts/vite/serve-models.ts';
import { transformersOnAppOrt } from './scripts/vite/transformers-ort.ts';
import { isRuntimeWasm, RUNTIME_COPY_SUFFIX } from './src/engine-api/runtime-cache.ts';

/** The WebGPU build of ONNX Runtime: its JS chunk and its .wasm, fetched by GPU devices only. */
const ON_DEMAND_ASSETS = ['assets/ort.webgpu*', 'assets/ort-wasm-simd-threaded.asyncify*'];
import { ISOLATION_HEADERS } from './src/shared/isolation-headers.ts';
import { DEMO_MODEL_IDS } from './src/shared/model/default-models.ts';
import { SHARE_TARGET_ACTION, SHARE_TARGET_FIELD } from './src/ui/share/share-target.ts';

/**
 * Models are not precached: the verified catalog download fetches them once into IndexedDB.
 * LOOKALIKE_PRECACHE_MODELS=1 puts the demo models back in the precache (the old behaviour,
 * which fetches each model.onnx twice on a first visit), should a build need them there.
 */
const precacheModels = process.env.LOOKALIKE_PRECACHE_MODELS === '1';

/**
 * The precache manifest must list the biggest file it is meant to list (workbox silently drops
 * larger ones): the ORT runtime .wasm (listed so the service worker knows its URL; the search
 * worker fetches it into the runtime cache) and, with the flag, the demo models' files.
 */
function largestPrecachedFile(): number {
  const modelDirs = precacheModels
    ? DEMO_MODEL_IDS.map((id) => resolve(import.meta.dirname, 'models', id))
    : [];
  const files = [
    resolve(import.meta.dirname, 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'),
    ...modelDirs.flatMap((dir) =>
      existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [],
    ),
  ];
  return Math.max(...files.filter((f) => existsSync(f)).map((f) => statSync(f).size));
}
const MiB = 1024 * 1024;
const precacheLimit = Math.max(2 * MiB, Math.ceil(largestPrecachedFile() / MiB) * MiB);

export default defineConfig({
  // Relative base: the built app runs from any sub-path of a static host.
  base: './',
  plugins: [
    svelte(),
    serveModels(),
    transformersOnAppOrt(),
    compressedRuntime(isRuntimeWasm, RUNTIME_COPY_SUFFIX),
    // A strict CSP: <meta> in index.html, header in dev and preview.
    contentSecurityPolicyPlugin(),
    VitePWA({
      // A custom service worker (src/sw.ts): precache plus the share target.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // Updates wait for the shopper's consent (src/ui/pwa/pwa-shell.svelte.ts registers it).
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        id: './',
        name: 'Lookalike — offline visual search for fashion',
        short_name: 'Lookalike',
        description: 'Point your camera at a garment and see lookalike products, on your device.',
        theme_color: '#f6f5f2',
        background_color: '#f6f5f2',
        display: 'standalone',
        start_url: './',
        scope: './',
        categories: ['shopping', 'lifestyle'],
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: 'icons/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
        share_target: {
          action: `./${SHARE_TARGET_ACTION}`,
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: SHARE_TARGET_FIELD, accept: ['image/*'] }] },
        },
      },
      injectManifest: {
        // The app shell and the ORT .wasm (src/sw.ts keeps the .wasm out of the precache; the
        // manifest and its icons are added by the plugin); models and catalog go to IndexedDB.
        globPatterns: [
          '**/*.{js,css,html,wasm,svg}',
          ...(precacheModels ? DEMO_MODEL_IDS.map((id) => `models/${id}/*`) : []),
        ],
        // transformers.js and the WebGPU runtime (JS and .wasm) run on some devices only: cached
        // when first used (src/sw.ts, src/worker/models/webgpu-ort.ts), not precached.
        globIgnores: ['catalog/**', 'assets/transformers*', ...ON_DEMAND_ASSETS],
        maximumFileSizeToCacheInBytes: precacheLimit,
      },
    }),
  ],
  // The search worker is bundled with its own plugins: it is where transformers.js loads.
  worker: { format: 'es', plugins: () => [transformersOnAppOrt()] },
  // Cross-origin isolation lets onnxruntime-web use WASM threads (the service worker adds it too).
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
});
