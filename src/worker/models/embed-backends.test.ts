/**
 * EmbedBackends' choice between WASM and a GPU, with stand-in embedders (the real WebGPU path
 * runs in Chromium: tests/e2e/engine-webgpu.spec.ts). What must hold: the GPU takes over only
 * when it agrees with WASM (and, unless forced, is faster), and every GPU failure ends in a
 * WASM result, not an error.
 */
import { describe, expect, it } from 'vitest';
import type { OnnxEmbedder } from '../../shared/model/onnx-embedder.ts';
import type { ModelSpec } from '../../shared/model/spec.ts';
import { EmbedBackends, type GpuTower } from './embed-backends.ts';

const spec = {
  id: 'test',
  input: { name: 'x', size: 8, layout: 'NCHW', resize: 'center-crop', channels: 'RGB' },
  output: { name: 'y', dim: 2, normalized: true },
} as unknown as ModelSpec;
spec.input.mean = [0, 0, 0];
spec.input.std = [1, 1, 1];

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** An embedder whose vector is a unit vector at `angle` (radians), after `delay` ms. */
function embedder(angle: number, delay = 0, run?: () => Promise<void>) {
  const calls: number[] = [];
  const fake: OnnxEmbedder = {
    spec,
    dim: 2,
    imageLength: 3 * 8 * 8,
    async embed() {
      calls.push(Date.now());
      if (run) await run();
      if (delay) await sleep(delay);
      return new Float32Array([Math.cos(angle), Math.sin(angle)]);
    },
    dispose: () => Promise.resolve(),
  };
  return { fake, calls };
}

function gpuTower(angle: number, delay = 0, run?: () => Promise<void>) {
  let lose!: (why: string) => void;
  const lost = new Promise<string>((done) => (lose = done));
  const { fake, calls } = embedder(angle, delay, run);
  const tower: GpuTower = { embedder: fake, adapter: 'Test GPU', lost };
  return { tower, calls, lose };
}

const tensor = new Float32Array(3 * 8 * 8);

describe('EmbedBackends', () => {
  it('runs on WASM until a GPU that agrees and is faster takes over', async () => {
    const wasm = embedder(0, 15);
    const gpu = gpuTower(0.001);
    const backends = new EmbedBackends(spec, wasm.fake, 2, () => Promise.resolve(gpu.tower));
    await backends.embed(tensor);
    expect(backends.ran).toEqual({ kind: 'wasm', threads: 2, whyNotGpu: 'WebGPU has not been tried' });
    await backends.accelerate('auto');
    const before = gpu.calls.length;
    await backends.embed(tensor);
    expect(gpu.calls.length).toBe(before + 1);
    expect(backends.ran).toEqual({ kind: 'webgpu', adapter: 'Test GPU' });
  });

  it('keeps WASM when the GPU disagrees (cosine < 0.999), forced or not', async () => {
    for (const preference of ['auto', 'force'] as const) {
      const backends = new EmbedBackends(spec, embedder(0, 15).fake, 1, () =>
        Promise.resolve(gpuTower(0.1).tower),
      );
      await backends.accelerate(preference);
      await backends.embed(tensor);
      expect(backends.ran).toMatchObject({ kind: 'wasm' });
      expect(backends.ran).toHaveProperty('whyNotGpu', expect.stringMatching(/disagrees with WASM \(cosine 0\.99[0-8]\d\)/));
    }
  });

  it('keeps WASM when the GPU is slower, unless forced', async () => {
    const slow = new EmbedBackends(spec, embedder(0).fake, 1, () =>
      Promise.resolve(gpuTower(0, 15).tower),
    );
    await slow.accelerate('auto');
    await slow.embed(tensor);
    expect(slow.ran).toHaveProperty('whyNotGpu', expect.stringMatching(/slower than WASM here/));
    const forced = new EmbedBackends(spec, embedder(0).fake, 1, () =>
      Promise.resolve(gpuTower(0, 15).tower),
    );
    await forced.accelerate('force');
    await forced.embed(tensor);
    expect(forced.ran).toEqual({ kind: 'webgpu', adapter: 'Test GPU' });
  });

  it('says why when there is no GPU or it cannot start, and tries once', async () => {
    let opened = 0;
    const none = new EmbedBackends(spec, embedder(0).fake, 1, () => {
      opened++;
      return Promise.resolve('no GPU adapter is available');
    });
    await Promise.all([none.accelerate('auto'), none.accelerate('auto')]);
    await none.accelerate('auto');
    expect(opened).toBe(1);
    await none.embed(tensor);
    expect(none.ran).toHaveProperty('whyNotGpu', 'no GPU adapter is available');
    const broken = new EmbedBackends(spec, embedder(0).fake, 1, () =>
      Promise.reject(new Error('requestDevice refused')),
    );
    await broken.accelerate('force');
    await broken.embed(tensor);
    expect(broken.ran).toHaveProperty('whyNotGpu', 'WebGPU could not start: requestDevice refused');
  });

  it('answers a failed GPU run from WASM and stays there', async () => {
    let fail = false;
    const wasm = embedder(0);
    const gpu = gpuTower(0, 0, async () => {
      if (fail) throw new Error('GPU out of memory');
    });
    const backends = new EmbedBackends(spec, wasm.fake, 1, () => Promise.resolve(gpu.tower));
    await backends.accelerate('force');
    fail = true;
    const wasmRuns = wasm.calls.length;
    const vector = await backends.embed(tensor);
    expect(Array.from(vector)).toEqual([1, 0]);
    expect(wasm.calls.length).toBe(wasmRuns + 1);
    expect(backends.ran).toHaveProperty('whyNotGpu', 'a GPU run failed: GPU out of memory');
    const gpuRuns = gpu.calls.length;
    await backends.embed(tensor);
    expect(gpu.calls.length).toBe(gpuRuns);
  });

  it('answers from WASM when the device is lost during a run, and after', async () => {
    let hang = false;
    const gpu = gpuTower(0, 0, () => (hang ? new Promise<void>(() => undefined) : Promise.resolve()));
    const backends = new EmbedBackends(spec, embedder(0).fake, 1, () => Promise.resolve(gpu.tower));
    await backends.accelerate('force');
    hang = true;
    const running = backends.embed(tensor);
    gpu.lose('the GPU device was lost (destroyed)');
    expect(Array.from(await running)).toEqual([1, 0]);
    expect(backends.ran).toEqual({
      kind: 'wasm',
      threads: 1,
      whyNotGpu: 'the GPU device was lost (destroyed)',
    });
  });
});
