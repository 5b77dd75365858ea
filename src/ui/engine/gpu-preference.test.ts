import { describe, expect, it } from 'vitest';
import { gpuPreference } from './gpu-preference.ts';

describe('gpuPreference', () => {
  it('reads off and force from the query string, and is auto otherwise', () => {
    expect(gpuPreference('?gpu=off')).toBe('off');
    expect(gpuPreference('?q=1&gpu=force')).toBe('force');
    expect(gpuPreference('')).toBe('auto');
    expect(gpuPreference('?gpu=on')).toBe('auto');
    expect(gpuPreference('?gpu=FORCE')).toBe('auto');
  });
});
