import { describe, expect, it } from 'vitest';
import { gpuPreference } from './gpu-preference.ts';

describe('gpuPreference', () => {
  it("reads off and force from the page URL's query, and is auto otherwise", () => {
    expect(gpuPreference('https://shop.example/app/?gpu=off')).toBe('off');
    expect(gpuPreference('https://shop.example/?q=1&gpu=force')).toBe('force');
    expect(gpuPreference('https://shop.example/')).toBe('auto');
    expect(gpuPreference('https://shop.example/?gpu=on')).toBe('auto');
    expect(gpuPreference('https://shop.example/?gpu=FORCE')).toBe('auto');
  });
});
