/**
 * Which GPU adapter, if any, the query model may run on. A software adapter (SwiftShader, the
 * "fallback adapter") emulates the GPU on the CPU and runs the model about 50x slower than
 * WASM does, so only `force` accepts one.
 */
import type { GpuPreference } from '../../engine-api/api-types.ts';

export type AdapterChoice = { adapter: GPUAdapter; name: string } | { adapter: null; why: string };

/** Whether the adapter emulates the GPU in software (older browsers say so on the adapter). */
const isSoftware = (adapter: GPUAdapter): boolean =>
  adapter.info.isFallbackAdapter ??
  (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ??
  false;

/** "vendor architecture", whatever the browser tells of it, and whether it is software. */
function adapterName(adapter: GPUAdapter): string {
  const { vendor, architecture, description } = adapter.info;
  const name = [vendor, architecture || description].filter(Boolean).join(' ') || 'a GPU';
  return isSoftware(adapter) ? `${name} (software)` : name;
}

export async function chooseAdapter(preference: GpuPreference): Promise<AdapterChoice> {
  if (preference === 'off') return { adapter: null, why: 'WebGPU is turned off' };
  const gpu = (self.navigator as WorkerNavigator & { gpu?: GPU }).gpu;
  if (!gpu) return { adapter: null, why: 'this browser offers no WebGPU' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { adapter: null, why: `the GPU adapter request failed (${String(error)})` };
  }
  if (!adapter) return { adapter: null, why: 'no GPU adapter is available' };
  if (isSoftware(adapter) && preference !== 'force') {
    return { adapter: null, why: 'only a software GPU adapter is available' };
  }
  return { adapter, name: adapterName(adapter) };
}
