/**
 * Builds the in-memory catalog from a manifest: item table, one index per runnable model (shard
 * bytes go straight into WASM memory) and thumbnail packs as Blobs; hands over the model files
 * first, so sessions open while the rest loads.
 */
import type { CatalogManifest, ItemTable, ManifestModel } from '../../shared/catalog/manifest.ts';
import { decodeShard } from '../../shared/catalog/shard.ts';
import type { ModelSpec } from '../../shared/model/spec.ts';
import { FlatIndex } from '../../shared/search/flat-index.ts';
import { catalogFiles, type CatalogFile } from '../../storage/catalog-files.ts';
import type { CatalogSource, ObtainOptions } from '../../storage/catalog-source.ts';
import { CatalogError } from '../../storage/errors.ts';
import type { FieldSummary } from '../../engine-api/api-types.ts';
import { summariseFields } from './field-summary.ts';
import { parseItemTable } from './item-table.ts';
import type { LoadReporter } from './load-reporter.ts';

export interface LoadedCatalog {
  manifest: CatalogManifest;
  items: ItemTable;
  fields: FieldSummary[];
  /** One index per model this app can run, by model id, in manifest order. */
  indexes: Map<string, FlatIndex>;
  /** Thumbnail packs, addressed by `items.thumbs`. */
  packs: Blob[];
}

export interface LoadContext {
  source: CatalogSource;
  manifestUrl: string;
  appUrl: string;
  /** Null for a background update: the page keeps showing 'ready'. */
  reporter: LoadReporter | null;
  /** Whether this model's ONNX bytes are needed (not when a session for them already runs). */
  wantModel: (spec: ModelSpec) => boolean;
  /**
   * Gets each wanted model's files (by path in its folder) as soon as all are here, to open its
   * sessions meanwhile.
   */
  onModelFiles: (spec: ModelSpec, files: ReadonlyMap<string, Uint8Array>) => void;
}

/** Models this worker can embed queries with: image towers on onnxruntime or transformers.js. */
export function canRun(model: ManifestModel): boolean {
  return (
    (model.spec.runtime === 'onnx' || model.spec.runtime === 'transformers') &&
    model.spec.towers.image
  );
}

function shardParser(model: ManifestModel, file: CatalogFile) {
  return (bytes: Uint8Array) => {
    try {
      const shard = decodeShard(bytes, {
        modelId: model.spec.id,
        modelHash: model.spec.sha256,
        dim: model.dim,
      });
      const ref = model.shards.find((s) => s.sha256 === file.ref.sha256)!;
      if (shard.header.start !== ref.start || shard.header.count !== ref.count) {
        throw new Error(
          `it holds items ${shard.header.start}+${shard.header.count}, not ${ref.start}+${ref.count}`,
        );
      }
      return shard;
    } catch (error) {
      throw new CatalogError(
        'format',
        `${file.path} is not a valid shard: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  };
}

export async function loadCatalog(
  manifest: CatalogManifest,
  context: LoadContext,
): Promise<LoadedCatalog> {
  const { source, reporter } = context;
  const runnable = manifest.models.filter(canRun);
  if (!runnable.length) {
    throw new CatalogError('format', 'The catalog has no image model this app can run.');
  }
  const files = catalogFiles(manifest, context.manifestUrl, context.appUrl, canRun).filter(
    (file) =>
      file.phase !== 'model' ||
      context.wantModel(runnable.find((m) => m.spec.id === file.modelId)!.spec),
  );

  // Plan first, so progress totals count only what must come over the network.
  const stored = await Promise.all(files.map((file) => source.has(file)));
  const sum = (wanted: boolean) =>
    files.reduce((total, file, i) => total + (stored[i] === wanted ? file.ref.bytes : 0), 0);
  const downloadTotal = sum(false);
  const readTotal = sum(true);
  let downloaded = 0;
  let read = 0;
  let indexed = 0;

  /** Obtains one file through `get`, reporting download or indexing progress around it. */
  const obtain = async <T>(
    file: CatalogFile,
    get: (o: ObtainOptions) => Promise<T>,
  ): Promise<T> => {
    let fromNetwork = false;
    const phase = file.phase === 'items' ? 'shards' : file.phase;
    const onBytes = (loaded: number) => {
      fromNetwork = true;
      const loadedBytes = Math.min(downloaded + loaded, downloadTotal);
      reporter?.report('downloading', { phase, loadedBytes, totalBytes: downloadTotal });
    };
    const value = await get({ onBytes });
    if (fromNetwork) {
      downloaded += file.ref.bytes;
      reporter?.report(
        'downloading',
        { phase, loadedBytes: downloaded, totalBytes: downloadTotal },
        true,
      );
    } else {
      read += file.ref.bytes;
      const progress = { phase: 'indexing' as const, loadedBytes: read, totalBytes: readTotal };
      reporter?.report('indexing', { ...progress, items: indexed });
    }
    return value;
  };

  // Models first: their sessions open (compiling ONNX Runtime's WASM) while the rest loads.
  for (const model of runnable) {
    const prefix = `models/${model.spec.id}/`;
    const modelFiles = new Map<string, Uint8Array>();
    for (const file of files.filter((f) => f.phase === 'model' && f.modelId === model.spec.id)) {
      const bytes = await obtain(file, (o) => source.bytes(file, (b) => b, o));
      modelFiles.set(file.ref.file.slice(prefix.length), bytes);
    }
    if (modelFiles.size) context.onModelFiles(model.spec, modelFiles);
  }

  const itemsFile = files.find((f) => f.phase === 'items')!;
  const packCount = manifest.thumbs.packs.length;
  const items = await obtain(itemsFile, (o) =>
    source.bytes(itemsFile, (b) => parseItemTable(b, manifest.count, packCount), o),
  );

  const indexes = new Map<string, FlatIndex>();
  for (const model of runnable) {
    const index = await FlatIndex.create({ dim: model.dim });
    index.reserve(manifest.count);
    indexed = 0;
    for (const file of files.filter((f) => f.phase === 'shards' && f.modelId === model.spec.id)) {
      const shard = await obtain(file, (o) => source.bytes(file, shardParser(model, file), o));
      // Copies into WASM memory; the shard's bytes are garbage once this returns.
      index.append(shard.codes, shard.scales, shard.center);
      indexed = index.count;
    }
    if (index.count !== manifest.count) {
      throw new CatalogError(
        'format',
        `The catalog's ${model.spec.id} shards hold ${index.count} vectors, not ${manifest.count}.`,
      );
    }
    indexes.set(model.spec.id, index);
  }

  const packs: Blob[] = [];
  for (const file of files.filter((f) => f.phase === 'thumbnails')) {
    packs.push(await obtain(file, (o) => source.blob(file, o)));
  }

  return { manifest, items, fields: summariseFields(items.fields), indexes, packs };
}
