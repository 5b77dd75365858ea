import { describe, expect, it } from 'vitest';
import { ASK_ABOVE_BYTES } from '../../shared/catalog/picture-limits.ts';
import { pictureSaving } from './picture-policy.ts';

describe('pictureSaving', () => {
  const mb = 1024 * 1024;

  it('saves by itself on a fast, unmetered connection, or where the browser says nothing', () => {
    expect(pictureSaving(26 * mb, { effectiveType: '4g', type: 'wifi' }).mode).toBe('auto');
    expect(pictureSaving(26 * mb, undefined).mode).toBe('auto');
  });

  it('asks with Save-Data, on mobile data, on a slow connection, or above the size limit', () => {
    expect(pictureSaving(26 * mb, { saveData: true })).toEqual({
      mode: 'ask',
      reason: 'Data Saver is on',
    });
    expect(pictureSaving(26 * mb, { type: 'cellular' }).reason).toBe('on mobile data');
    expect(pictureSaving(26 * mb, { effectiveType: '3g' }).reason).toBe('the connection is slow');
    expect(pictureSaving(ASK_ABOVE_BYTES + 1, undefined).reason).toBe('the pictures are large');
    expect(pictureSaving(ASK_ABOVE_BYTES, undefined).mode).toBe('auto');
  });
});
