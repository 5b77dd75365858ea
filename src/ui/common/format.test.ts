import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, formatSimilarity, percentOf } from './format.ts';

describe('formats', () => {
  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2 KB');
    expect(formatBytes(14.25 * 1024 * 1024)).toBe('14.3 MB');
  });

  it('formats milliseconds and similarity', () => {
    expect(formatMs(3.14159)).toBe('3.1 ms');
    expect(formatMs(123.6)).toBe('124 ms');
    expect(formatMs(NaN)).toBe('–');
    expect(formatSimilarity(0.9934)).toBe('99%');
    expect(formatSimilarity(-0.2)).toBe('0%');
  });

  it('computes progress percent', () => {
    expect(percentOf(5, 20)).toBe(25);
    expect(percentOf(5, 0)).toBe(0);
    expect(percentOf(30, 20)).toBe(100);
  });
});
