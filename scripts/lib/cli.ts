/** What the build tools' command lines share: the repository's folders and one way to fail. */
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

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

/** The command line's `--options`, or `<tool>: message` and exit 2 when one is unknown or bad. */
export function parseCli<const T extends NonNullable<ParseArgsConfig['options']>>(
  tool: string,
  options: T,
) {
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    return failWith(tool)((error as Error).message);
  }
}
