/** Every file a catalog manifest needs, with where to fetch it from and which load phase it belongs to. */
import type { CatalogManifest, FileRef } from '../shared/catalog/manifest.ts';

/** 'digests' is the per-picture digests file (manifest `thumbs.digests`), used to verify Range fetches. */
export type FilePhase = 'model' | 'items' | 'shards' | 'thumbnails' | 'digests';

export interface CatalogFile {
  phase: FilePhase;
  /** Absolute URL to download it from. */
  url: string;
  /** Path relative to the app, for messages. */
  path: string;
  ref: FileRef;
  /** For model files and shards: which model they belong to. */
  modelId?: string;
}

/** The ONNX file of a manifest model, as a file reference relative to the app (`models/<id>/<file>`). */
export function modelFileRef(model: CatalogManifest['models'][number]): FileRef {
  const { spec } = model;
  return {
    file: `models/${spec.id}/${spec.file}`,
    bytes: spec.bytes,
    sha256: spec.sha256,
    ...(spec.gzipBytes ? { gzipBytes: spec.gzipBytes } : {}),
  };
}

/**
 * Every file of a manifest model relative to the app: the one ONNX file, or all of a multi-file
 * model's (`spec.files`: config, tokenizer, both towers).
 */
export function modelFileRefs(model: CatalogManifest['models'][number]): FileRef[] {
  const { spec } = model;
  if (!spec.files) return [modelFileRef(model)];
  return spec.files.map((f) => ({ ...f, file: `models/${spec.id}/${f.file}` }));
}

/**
 * Lists the files of `manifest` in load order: models, item table, shards (in index order per
 * model), thumbnail packs, the picture digests. `manifestUrl` resolves catalog paths; `appUrl` resolves model paths.
 * Models this app cannot run (`runnableModel` false) are left out, shards included.
 */
export function catalogFiles(
  manifest: CatalogManifest,
  manifestUrl: string,
  appUrl: string,
  runnableModel: (model: CatalogManifest['models'][number]) => boolean = () => true,
): CatalogFile[] {
  const appBase = new URL('.', appUrl).href;
  const inCatalog = (phase: FilePhase, ref: FileRef, modelId?: string): CatalogFile => {
    const url = new URL(ref.file, manifestUrl).href;
    const path = url.startsWith(appBase) ? url.slice(appBase.length) : url;
    return { phase, url, path, ref, modelId };
  };
  const files: CatalogFile[] = [];
  for (const model of manifest.models) {
    if (!runnableModel(model)) continue;
    for (const ref of modelFileRefs(model)) {
      files.push({
        phase: 'model',
        url: new URL(ref.file, appUrl).href,
        path: ref.file,
        ref,
        modelId: model.spec.id,
      });
    }
  }
  files.push(inCatalog('items', manifest.items));
  for (const model of manifest.models) {
    if (!runnableModel(model)) continue;
    const shards = [...model.shards].sort((a, b) => a.start - b.start);
    for (const shard of shards) files.push(inCatalog('shards', shard, model.spec.id));
  }
  for (const pack of manifest.thumbs.packs) files.push(inCatalog('thumbnails', pack));
  if (manifest.thumbs.digests) files.push(inCatalog('digests', manifest.thumbs.digests));
  return files;
}

/** The sha256 of every file `manifest` refers to, models included: what storage must keep. */
export function referencedHashes(manifest: CatalogManifest): Set<string> {
  const hashes = new Set<string>([manifest.items.sha256]);
  for (const model of manifest.models) {
    hashes.add(model.spec.sha256);
    for (const file of model.spec.files ?? []) hashes.add(file.sha256);
    for (const shard of model.shards) hashes.add(shard.sha256);
  }
  for (const pack of manifest.thumbs.packs) hashes.add(pack.sha256);
  if (manifest.thumbs.digests) hashes.add(manifest.thumbs.digests.sha256);
  return hashes;
}
