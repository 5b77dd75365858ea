/** The embed suite's page: runs each configuration in a fresh worker (one ort runtime each). */
import type { EmbedBenchPage, EmbedConfig, EmbedResult } from './embed-protocol.ts';

function run(config: EmbedConfig): Promise<EmbedResult> {
  const worker = new Worker('/embed-worker.js', { type: 'module', name: 'embed-bench' });
  return new Promise<EmbedResult>((done, fail) => {
    worker.onmessage = (event: MessageEvent<{ result?: EmbedResult; error?: string }>) =>
      event.data.result ? done(event.data.result) : fail(new Error(event.data.error));
    worker.onerror = (event) => fail(new Error(event.message || 'the embed worker failed'));
    worker.postMessage(config);
  }).finally(() => worker.terminate());
}

async function gpuAdapter(): Promise<string | null> {
  const adapter = await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter();
  if (!adapter) return null;
  const { vendor, architecture, isFallbackAdapter } = adapter.info;
  return `${vendor} ${architecture}${isFallbackAdapter ? ', software' : ''}`;
}

const page: EmbedBenchPage = { run, gpuAdapter };
Object.assign(globalThis, { embedBench: page, benchReady: true });
