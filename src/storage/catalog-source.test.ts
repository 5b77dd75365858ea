import { describe, expect, it } from 'vitest';
import type { FileRef } from '../shared/catalog/manifest.ts';
import type { CatalogFile } from './catalog-files.ts';
import { CatalogSource } from './catalog-source.ts';
import { memoryStore, type CatalogStore } from './catalog-store.ts';

/** A store holding some files, counting its reads. */
function countingStore(held: Map<string, ArrayBuffer>) {
  const reads: string[] = [];
  const store: CatalogStore = {
    ...memoryStore,
    kind: 'indexeddb',
    getFile(ref: FileRef) {
      reads.push(`get ${ref.sha256}`);
      return Promise.resolve(held.get(ref.sha256));
    },
    hasFile(ref: FileRef) {
      reads.push(`has ${ref.sha256}`);
      return Promise.resolve(held.has(ref.sha256));
    },
  };
  return { store, reads };
}

const file = (sha256: string, bytes: number): CatalogFile => ({
  phase: 'shards',
  url: `https://shop.example/catalog/${sha256}.bin`,
  path: `catalog/${sha256}.bin`,
  ref: { file: `${sha256}.bin`, bytes, sha256 },
});

describe('CatalogSource.planRead', () => {
  it('plans and reads a stored file in one storage read, and says which files must download', async () => {
    const { store, reads } = countingStore(new Map([['a', Uint8Array.from([1, 2, 3]).buffer]]));
    const source = new CatalogSource(store);
    expect(await source.planRead(file('a', 3))).toBe(true);
    expect(await source.planRead(file('b', 5))).toBe(false);
    expect(await source.bytes(file('a', 3), (b) => Array.from(b))).toEqual([1, 2, 3]);
    expect(reads).toEqual(['get a', 'get b']);
    // the kept read is handed over once: a later call reads storage again
    expect(await source.bytes(file('a', 3), (b) => b.length)).toBe(3);
    expect(reads).toEqual(['get a', 'get b', 'get a']);
  });
});
