/** Thumbnails and colour names per photo content hash, so unchanged photos are never decoded again. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Derived {
  colour: string;
  thumb: Buffer;
}

export class DerivedCache {
  readonly #dir: string;
  readonly #colours: Record<string, string>;
  #dirty = false;

  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(join(dir, 'thumbs'), { recursive: true });
    const file = join(dir, 'colours.json');
    this.#colours = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
      : {};
  }

  #thumbPath(hash: string): string {
    return join(this.#dir, 'thumbs', hash + '.webp');
  }

  get(hash: string): Derived | undefined {
    const colour = this.#colours[hash];
    const path = this.#thumbPath(hash);
    if (colour === undefined || !existsSync(path)) return undefined;
    return { colour, thumb: readFileSync(path) };
  }

  set(hash: string, derived: Derived): void {
    writeFileSync(this.#thumbPath(hash), derived.thumb);
    this.#colours[hash] = derived.colour;
    this.#dirty = true;
  }

  save(): void {
    if (!this.#dirty) return;
    const file = join(this.#dir, 'colours.json');
    writeFileSync(file + '.tmp', JSON.stringify(this.#colours));
    renameSync(file + '.tmp', file);
    this.#dirty = false;
  }
}
