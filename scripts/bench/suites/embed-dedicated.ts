/**
 * The query model alone in a dedicated browser worker (onnxruntime-web, the app's WASM build,
 * cross-origin isolated): what the embed suite measures, and what the e2e suite sets beside the
 * app's own embed time for the same photos.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openBenchPage, type BrowserSession } from '../browser.ts';
import { modelsDir, photosDir, root } from '../paths.ts';
import type { EmbedBenchPage, EmbedConfig, EmbedResult } from './embed-protocol.ts';

/** The demo catalog's default model (its first), or null without a catalog. */
export function defaultModel(): string | null {
  try {
    const manifest = JSON.parse(
      readFileSync(resolve(root, 'public/catalog/manifest.json'), 'utf8'),
    ) as { models: { spec: { id: string } }[] };
    return manifest.models[0]?.spec.id ?? null;
  } catch {
    return null;
  }
}

/**
 * A bench page that runs each configuration in a fresh worker (one ort runtime each); `files`
 * serves more (URL path → file).
 */
export function openEmbedPage(
  files: Record<string, string> = {},
  options: { webgpu?: boolean } = {},
): Promise<BrowserSession> {
  return openBenchPage(
    {
      main: resolve(import.meta.dirname, 'embed-page.ts'),
      extra: { 'embed-worker': resolve(import.meta.dirname, 'embed-worker.ts') },
      files: {
        '/models/': modelsDir,
        '/photos/': photosDir,
        '/ort-wasm-simd-threaded.wasm': resolve(
          root,
          'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm',
        ),
        // The WebGPU build's runtime (its JS glue is in the bundle).
        '/ort-wasm-simd-threaded.asyncify.wasm': resolve(
          root,
          'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm',
        ),
        ...files,
      },
    },
    options,
  );
}

/** `model` on `photos` (names in the shared set, used in turn) in a fresh worker of `session`. */
export function runEmbed(
  session: BrowserSession,
  model: string,
  photos: string[],
  settings: Pick<
    EmbedConfig,
    'threads' | 'warmup' | 'runs' | 'tensorsUrl' | 'embeddings' | 'profile' | 'backend'
  >,
): Promise<EmbedResult> {
  const config: EmbedConfig = {
    specUrl: `/models/${model}/model.json`,
    photoUrls: photos.map((name) => `/photos/${name}`),
    ...settings,
  };
  return session.page.evaluate(
    (c) => (globalThis as unknown as { embedBench: EmbedBenchPage }).embedBench.run(c),
    config,
  );
}
