import { describe, expect, it, vi } from 'vitest';
import { ThumbnailPool } from './thumbnail-pool.ts';

describe('ThumbnailPool', () => {
  const flush = () => new Promise((done) => setTimeout(done, 0));
  /** A pool of numbered pictures that records which it disposed of. */
  function pool(keepUnused: number, load?: (index: number) => Promise<string>) {
    let made = 0;
    const disposed: string[] = [];
    const loader = vi.fn(load ?? (() => Promise.resolve(`picture ${++made}`)));
    const thumbs = new ThumbnailPool(loader, (value: string) => disposed.push(value), keepUnused);
    return { thumbs, disposed, loader, made: () => made };
  }

  it('loads one picture per item while it is in use, and shares it', async () => {
    const { thumbs, loader } = pool(2);
    const a = await thumbs.acquire(5);
    expect(await thumbs.acquire(5)).toBe(a);
    expect(loader).toHaveBeenCalledTimes(1);
  });

  it('keeps at most `keepUnused` released pictures, disposing of the oldest', async () => {
    const { thumbs, disposed, made } = pool(2);
    for (const i of [1, 2, 3, 4]) await thumbs.acquire(i);
    for (const i of [1, 2, 3]) thumbs.release(i);
    await flush();
    expect(disposed).toEqual(['picture 1']);
    expect(thumbs.size).toBe(3);
    // Acquiring a kept one again takes it out of the unused list: no new load, nothing disposed.
    expect(await thumbs.acquire(2)).toBe('picture 2');
    thumbs.release(4);
    await flush();
    expect(disposed).toEqual(['picture 1']);
    expect(made()).toBe(4);
  });

  it('never disposes of a picture still in use, however many items pass', async () => {
    const { thumbs, disposed } = pool(0);
    const held = await thumbs.acquire(0);
    for (let i = 1; i < 50; i++) {
      await thumbs.acquire(i);
      thumbs.release(i);
    }
    await flush();
    expect(disposed).not.toContain(held);
    expect(disposed).toHaveLength(49);
    expect(thumbs.size).toBe(1);
  });

  it('disposes of everything on clear', async () => {
    const { thumbs, disposed } = pool(4);
    await thumbs.acquire(1);
    await thumbs.acquire(2);
    thumbs.release(2);
    thumbs.clear();
    await flush();
    expect(disposed.sort()).toEqual(['picture 1', 'picture 2']);
    expect(thumbs.size).toBe(0);
  });

  it('forgets a failed load, so the next request tries again', async () => {
    const { thumbs, loader } = pool(2, () => Promise.reject(new Error('offline')));
    await expect(thumbs.acquire(7)).rejects.toThrow('offline');
    await flush();
    await expect(thumbs.acquire(7)).rejects.toThrow('offline');
    expect(loader).toHaveBeenCalledTimes(2);
  });
});
