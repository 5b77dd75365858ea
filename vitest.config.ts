import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code they test; e2e tests live in tests/e2e (Playwright).
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: run files one at a time, several tests load the ONNX model.
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['src/ui/**'],
        },
      },
      {
        // The page's rune classes (*.svelte.ts) compiled by Svelte for the browser, as the app
        // has them; their tests run in Node against fakes of what they call.
        extends: true,
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: { name: 'ui', include: ['src/ui/**/*.test.ts'] },
      },
    ],
  },
});
