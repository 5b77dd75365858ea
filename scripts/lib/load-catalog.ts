/**
 * Loads a built catalog from disk through the app's own checks (src/shared/catalog/
 * assemble-catalog.ts): verified manifest, checksums, shard model hashes and ranges, item table.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assembleCatalog,
  type AssembledCatalog,
} from '../../src/shared/catalog/assemble-catalog.ts';
import { CatalogFileError } from '../../src/shared/catalog/catalog-file-error.ts';
import { parseManifest } from '../../src/shared/catalog/validate-manifest.ts';

export type LoadedCatalog = AssembledCatalog;

/** `modelIds` limits the indexes built (all models by default). */
export async function loadCatalog(dir: string, modelIds?: string[]): Promise<LoadedCatalog> {
  const manifest = parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
  const readBytes = async ({ file }: { file: string }) => {
    try {
      return new Uint8Array(await readFile(join(dir, file)));
    } catch (error) {
      throw new CatalogFileError('checksum', file, `${file}: missing from ${dir}`, {
        cause: error,
      });
    }
  };
  return assembleCatalog(manifest, readBytes, {
    include: modelIds ? (model) => modelIds.includes(model.spec.id) : undefined,
  });
}
