import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code they test; e2e tests live in tests/e2e (Playwright).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: run files one at a time, several tests load the ONNX model.
    fileParallelism: false,
  },
});
