import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThumbnailUrls } from './thumbnail-urls.ts';

describe('ThumbnailUrls', () => {
  let made = 0;
  const revoked: string[] = [];
  beforeEach(() => {
    made = 0;
    revoked.length = 0;
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:${++made}`);
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => void revoked.push(url));
  });
  afterEach(() => vi.restoreAllMocks());
  const flush = () => new Promise((done) => setTimeout(done, 0));
  const blob = () => Promise.resolve(new Blob(['x']));

  it('makes one URL per item while it is in use, and reuses it', async () => {
    const load = vi.fn(blob);
    const urls = new ThumbnailUrls(load, 2);
    const a = await urls.acquire(5);
    expect(await urls.acquire(5)).toBe(a);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps at most `keepUnused` released URLs, revoking the oldest', async () => {
    const urls = new ThumbnailUrls(blob, 2);
    for (const i of [1, 2, 3, 4]) await urls.acquire(i);
    for (const i of [1, 2, 3]) urls.release(i);
    await flush();
    expect(revoked).toEqual(['blob:1']);
    expect(urls.size).toBe(3);
    // Acquiring a kept one again takes it out of the unused list: no new URL, nothing revoked.
    expect(await urls.acquire(2)).toBe('blob:2');
    urls.release(4);
    await flush();
    expect(revoked).toEqual(['blob:1']);
    expect(made).toBe(4);
  });

  it('never revokes a URL still in use, however many items pass', async () => {
    const urls = new ThumbnailUrls(blob, 0);
    const held = await urls.acquire(0);
    for (let i = 1; i < 50; i++) {
      await urls.acquire(i);
      urls.release(i);
    }
    await flush();
    expect(revoked).not.toContain(held);
    expect(urls.size).toBe(1);
  });

  it('forgets a failed load, so the next request tries again', async () => {
    const load = vi.fn(() => Promise.reject(new Error('offline')));
    const urls = new ThumbnailUrls(load, 2);
    await expect(urls.acquire(7)).rejects.toThrow('offline');
    await flush();
    await expect(urls.acquire(7)).rejects.toThrow('offline');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
