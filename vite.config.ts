import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { serveModels } from './scripts/vite/serve-models.ts';

// Cross-origin isolation lets onnxruntime-web use WASM threads; without it the app runs single-threaded.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative base: the built app runs from any sub-path of a static host.
  base: './',
  plugins: [
    svelte(),
    serveModels(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Lookalike — offline visual search for fashion',
        short_name: 'Lookalike',
        description: 'Point your camera at a garment and see lookalike products, on your device.',
        theme_color: '#1f2937',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: './',
        scope: './',
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
      },
      workbox: {
        // App shell, ORT wasm and the default model; catalog shards go to IndexedDB instead.
        globPatterns: ['**/*.{js,css,html,wasm,png,svg,webmanifest}', 'models/mobilenet-v2/*'],
        globIgnores: ['catalog/**'],
        maximumFileSizeToCacheInBytes: 40 * 1024 * 1024,
      },
    }),
  ],
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
});
