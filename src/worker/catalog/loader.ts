/**
 * Builds the in-memory catalog from a manifest: the item table and an index for each requested
 * model (shard bytes go straight into WASM memory); hands over the model files first, so sessions
 * open while the rest loads. Pictures are not part of a load (see pictures.ts).
 *
 * Each file is checked with the same functions as the shared assembleCatalog (which the Node
 * tools load through), but as it arrives rather than in one pass: files load in parallel, and a
 * stored copy that fails its check is downloaded again before anything is kept.
 */
import type { CatalogManifest, ItemTable, ManifestModel } from '../../shared/catalog/manifest.ts';
import { checkedShard } from '../../shared/catalog/assemble-catalog.ts';
import { parseItemTable } from '../../shared/catalog/item-table.ts';
import type { ModelSpec } from '../../shared/model/spec.ts';
import { FlatIndex } from '../../shared/search/flat-index.ts';
import { catalogFiles, type CatalogFile } from '../../storage/catalog-files.ts';
import type { CatalogSource, ObtainOptions } from '../../storage/catalog-source.ts';
import { CatalogError } from '../../storage/errors.ts';
import type { FieldSummary } from '../../engine-api/api-types.ts';
import { summariseFields } from './field-summary.ts';
import type { LoadReporter } from './load-reporter.ts';
import { LoadProgressTracker } from './load-progress.ts';
import { timed, timedSync } from './startup-timing.ts';

export interface LoadedCatalog {
  manifest: CatalogManifest;
  items: ItemTable;
  fields: FieldSummary[];
  /** One index per loaded model, by model id (models load on demand, the default first). */
  indexes: Map<string, FlatIndex>;
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
  /** A download the catalog's downloads wait for (ONNX Runtime's .wasm on a first visit). */
  downloadsAfter?: Promise<unknown>;
}

/** Models this worker can embed queries with: image towers on onnxruntime or transformers.js. */
export function canRun(model: ManifestModel): boolean {
  return (
    (model.spec.runtime === 'onnx' || model.spec.runtime === 'transformers') &&
    model.spec.towers.image
  );
}

/** Runs a shared check (CatalogFileError, ItemTableError), reporting failure as a CatalogError. */
function asCatalogError<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new CatalogError('format', (error as Error).message, { cause: error });
  }
}

function shardParser(model: ManifestModel, file: CatalogFile) {
  const ref = model.shards.find((s) => s.sha256 === file.ref.sha256)!;
  return (bytes: Uint8Array) => asCatalogError(() => checkedShard(model, ref, bytes));
}

/** The models this app can run, in manifest order; the first is the default. */
export function runnableModels(manifest: CatalogManifest): ManifestModel[] {
  const runnable = manifest.models.filter(canRun);
  if (!runnable.length) {
    throw new CatalogError('format', 'The catalog has no image model this app can run.');
  }
  return runnable;
}

/** The item table and the indexes of `modelIds` (the default model alone, for "ready"). */
export async function loadCatalog(
  manifest: CatalogManifest,
  context: LoadContext,
  modelIds: readonly string[],
): Promise<LoadedCatalog> {
  const loaded = await loadParts(manifest, context, modelIds, true);
  return {
    manifest,
    items: loaded.items!,
    fields: summariseFields(loaded.items!.fields),
    indexes: loaded.indexes,
  };
}

/** One more model's index (its files and shards), for a catalog already loaded. */
export async function loadModelIndex(
  manifest: CatalogManifest,
  context: LoadContext,
  modelId: string,
): Promise<FlatIndex> {
  const { indexes } = await loadParts(manifest, context, [modelId], false);
  return indexes.get(modelId)!;
}

async function loadParts(
  manifest: CatalogManifest,
  context: LoadContext,
  modelIds: readonly string[],
  withItems: boolean,
): Promise<{ items?: ItemTable; indexes: Map<string, FlatIndex> }> {
  const { source } = context;
  const runnable = runnableModels(manifest).filter((m) => modelIds.includes(m.spec.id));
  const wanted = (file: CatalogFile) => {
    const model = runnable.find((m) => m.spec.id === file.modelId);
    if (file.phase === 'items') return withItems;
    if (file.phase === 'shards') return model !== undefined;
    return file.phase === 'model' && model !== undefined && context.wantModel(model.spec);
  };
  const files = catalogFiles(manifest, context.manifestUrl, context.appUrl, canRun).filter(wanted);

  // Plan first, so progress totals count only what must come over the network.
  const stored = await timed('plan', () => Promise.all(files.map((file) => source.planRead(file))));
  const sum = (wanted: boolean) =>
    files.reduce((total, file, i) => total + (stored[i] === wanted ? file.ref.bytes : 0), 0);
  const progress = new LoadProgressTracker(context.reporter, sum(false), sum(true));

  // Stored files are read at once. Downloads take turns, each turn with the link to itself (files
  // fetched together share it and all arrive at the end): ONNX Runtime's .wasm, then the model
  // files, whose sessions open while the items and shards arrive.
  const opened = Promise.all(runnable.map((model) => obtainModel(model, files, context, progress)));
  const after = opened.catch(() => undefined);
  const itemsFile = files.find((f) => f.phase === 'items');
  const packBytes = manifest.thumbs.packs.map((pack) => pack.bytes);
  const parseItems = (b: Uint8Array) =>
    asCatalogError(() => parseItemTable(b, manifest.count, packBytes));
  const items =
    itemsFile &&
    progress.obtain(itemsFile, (o) => obtainTimed(source, itemsFile, parseItems, { ...o, after }));
  const indexes = new Map<string, FlatIndex>();
  const built = runnable.map(async (model) => {
    indexes.set(model.spec.id, await buildIndex(manifest, model, files, source, progress, after));
  });
  try {
    await Promise.all([opened, items, ...built]);
  } catch (error) {
    // The other files finish first (verified ones are stored, so a retry resumes from them):
    // nothing of this load may report progress over the error the page is about to show.
    await progress.settled();
    throw error;
  }
  // In manifest order, whichever finished first.
  const ordered = new Map(runnable.map((m) => [m.spec.id, indexes.get(m.spec.id)!]));
  return { items: await items, indexes: ordered };
}

/** source.bytes, measured: "obtain <path>" (stored read or download, and parse) and "parse <path>". */
function obtainTimed<T>(
  source: CatalogSource,
  file: CatalogFile,
  parse: (bytes: Uint8Array) => T,
  options: ObtainOptions,
): Promise<T> {
  const timedParse = (bytes: Uint8Array) => timedSync(`parse ${file.path}`, () => parse(bytes));
  return timed(`obtain ${file.path}`, () => source.bytes(file, timedParse, options));
}

/** Obtains one model's files and hands them over as soon as all are here. */
async function obtainModel(
  model: ManifestModel,
  files: CatalogFile[],
  context: LoadContext,
  progress: LoadProgressTracker,
): Promise<void> {
  const prefix = `models/${model.spec.id}/`;
  const mine = files.filter((f) => f.phase === 'model' && f.modelId === model.spec.id);
  const after = context.downloadsAfter;
  const bytes = await Promise.all(
    mine.map((file) =>
      progress.obtain(file, (o) => obtainTimed(context.source, file, (b) => b, { ...o, after })),
    ),
  );
  const modelFiles = new Map(mine.map((file, i) => [file.ref.file.slice(prefix.length), bytes[i]]));
  if (modelFiles.size) context.onModelFiles(model.spec, modelFiles);
}

/** One model's index from its shards, fetched at once and appended in index order. */
async function buildIndex(
  manifest: CatalogManifest,
  model: ManifestModel,
  files: CatalogFile[],
  source: CatalogSource,
  progress: LoadProgressTracker,
  after: Promise<unknown>,
): Promise<FlatIndex> {
  const shardFiles = files.filter((f) => f.phase === 'shards' && f.modelId === model.spec.id);
  const index = timed('kernel create', () => FlatIndex.create({ dim: model.dim }));
  const shards = shardFiles.map((file) =>
    progress.obtain(file, (o) =>
      obtainTimed(source, file, shardParser(model, file), { ...o, after }),
    ),
  );
  const ready = await index;
  ready.reserve(manifest.count);
  for (const [i, shard] of shards.entries()) {
    const { codes, scales, center } = await shard;
    // Copies into WASM memory; the shard's bytes are garbage once this returns.
    timedSync(`append ${shardFiles[i].path}`, () => ready.append(codes, scales, center));
    progress.indexed = ready.count;
  }
  if (ready.count !== manifest.count) {
    throw new CatalogError(
      'format',
      `The catalog's ${model.spec.id} shards hold ${ready.count} vectors, not ${manifest.count}.`,
    );
  }
  return ready;
}
