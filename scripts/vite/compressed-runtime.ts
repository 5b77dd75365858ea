/**
 * Vite plugin: writes a gzip copy of ONNX Runtime's .wasm beside it (3.7 of 14.2 MB). A plain
 * static host sends files as they are, so without it a first visit moves the whole runtime; the
 * search worker fetches the copy and decompresses it (src/engine-api/runtime-cache.ts).
 */
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** `isRuntime` picks the runtime by URL path; the copy is named its file name + `suffix`. */
export function compressedRuntime(isRuntime: (path: string) => boolean, suffix: string): Plugin {
  return {
    name: 'lookalike:compressed-runtime',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !isRuntime(`/${asset.fileName}`)) continue;
        this.emitFile({
          type: 'asset',
          fileName: asset.fileName + suffix,
          source: gzipSync(asset.source, { level: 9 }),
        });
      }
    },
  };
}
