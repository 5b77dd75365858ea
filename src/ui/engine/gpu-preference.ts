/** The page's `?gpu=` switch: `off` keeps the model on WASM, `force` accepts any GPU adapter. */
import type { GpuPreference } from '../../engine-api/api-types.ts';

export function gpuPreference(pageUrl: string): GpuPreference {
  const value = new URL(pageUrl).searchParams.get('gpu');
  return value === 'off' || value === 'force' ? value : 'auto';
}
