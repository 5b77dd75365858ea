/** What the build tools' command lines share: the repository's folders and one way to fail. */
import { resolve } from 'node:path';

/** The repository root. */
export const repoRoot = resolve(import.meta.dirname, '../..');

/** The demo photo set beside the project (`../shared/datasets/clothing`): photos and metadata. */
export const demoDataset = {
  images: resolve(repoRoot, '../shared/datasets/clothing/images'),
  meta: resolve(repoRoot, '../shared/datasets/clothing/images.csv'),
};

/** A `fail(message)` that prints `<tool>: message` and exits with status 2 (bad usage or input). */
export function failWith(tool: string): (message: string) => never {
  return (message) => {
    console.error(`${tool}: ${message}`);
    process.exit(2);
  };
}
