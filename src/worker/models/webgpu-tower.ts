/** The model's image tower opened on WebGPU, when this device has an adapter the preference allows. */
import type { GpuPreference } from '../../engine-api/api-types.ts';
import { createOnnxEmbedder } from '../../shared/model/onnx-embedder.ts';
import type { ModelSpec } from '../../shared/model/spec.ts';
import type { GpuTower } from './embed-backends.ts';
import { chooseAdapter } from './webgpu-adapter.ts';
import { webGpuOrt } from './webgpu-ort.ts';

export async function openWebGpuTower(
  spec: ModelSpec,
  modelBytes: Uint8Array,
  preference: GpuPreference,
): Promise<GpuTower | string> {
  const choice = await chooseAdapter(preference);
  if (!choice.adapter) return choice.why;
  const ort = await webGpuOrt(choice.adapter);
  const embedder = await createOnnxEmbedder(ort, modelBytes, spec, {
    executionProviders: ['webgpu'],
    verify: false,
  });
  const device = await ort.env.webgpu.device;
  const lost = device.lost.then(
    (info) => `the GPU device was lost (${info.message || info.reason})`,
  );
  return { embedder, adapter: choice.name, lost };
}
