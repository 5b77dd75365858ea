/**
 * Per-image embeddings keyed by the photo's content hash, one file per model hash, so a
 * rebuild embeds only new or changed photos. Records: 32-byte sha256, then dim float32s.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class EmbeddingCache {
  readonly #file: string;
  readonly #dim: number;
  readonly #vectors = new Map<string, Float32Array>();
  #dirty = false;

  constructor(file: string, dim: number) {
    this.#file = file;
    this.#dim = dim;
    if (!existsSync(file)) return;
    const bytes = readFileSync(file);
    const record = 32 + dim * 4;
    // A torn or foreign file is ignored whole: the cache is only ever a shortcut.
    if (bytes.length % record !== 0) return;
    for (let offset = 0; offset < bytes.length; offset += record) {
      const hash = bytes.subarray(offset, offset + 32).toString('hex');
      const vector = new Float32Array(dim);
      new Uint8Array(vector.buffer).set(bytes.subarray(offset + 32, offset + record));
      this.#vectors.set(hash, vector);
    }
  }

  get size(): number {
    return this.#vectors.size;
  }

  get(hash: string): Float32Array | undefined {
    return this.#vectors.get(hash);
  }

  set(hash: string, vector: Float32Array): void {
    if (vector.length !== this.#dim)
      throw new Error(`cache expects dim ${this.#dim}, got ${vector.length}`);
    this.#vectors.set(hash, vector.slice());
    this.#dirty = true;
  }

  /** Keeps only the given hashes, so the cache does not grow with photos long removed. */
  retain(hashes: Set<string>): void {
    for (const hash of this.#vectors.keys()) {
      if (!hashes.has(hash)) {
        this.#vectors.delete(hash);
        this.#dirty = true;
      }
    }
  }

  /** Writes atomically (temporary file, then rename) when anything changed. */
  save(): void {
    if (!this.#dirty) return;
    const record = 32 + this.#dim * 4;
    const out = Buffer.alloc(this.#vectors.size * record);
    let offset = 0;
    for (const [hash, vector] of this.#vectors) {
      out.write(hash, offset, 'hex');
      out.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength), offset + 32);
      offset += record;
    }
    mkdirSync(dirname(this.#file), { recursive: true });
    writeFileSync(this.#file + '.tmp', out);
    renameSync(this.#file + '.tmp', this.#file);
    this.#dirty = false;
  }
}
