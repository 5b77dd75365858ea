/**
 * Frozen MobileNetV2 features for training and layer probes: the raw global-average-pooled
 * outputs of several layers for every photo and its mirror image, computed once with
 * onnxruntime-node through the converter's 'pooled' graph and cached by photo content.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { decodeImageNode } from './decode-node.ts';
import { ProgressBar } from './progress.ts';
import { buildKerasGraph, INPUT_NAME } from './keras-graph.ts';
import { convertMobilenet, DEFAULT_MOBILENET_OPTIONS } from './mobilenet-model.ts';
import { loadNsfwjsMobilenet } from './nsfwjs-keras.ts';

/** Layers whose pooled outputs are extracted (a superset of what the head and probes use). */
export const FEATURE_LAYERS = [
  'block_5_add',
  'block_9_add',
  'block_10_project_BN',
  'block_12_add',
  'block_13_expand_relu',
  'block_15_add',
  'block_16_project_BN',
  'out_relu',
] as const;

export type View = 'plain' | 'mirror';

export interface FeatureTable {
  /** Names the backbone graph and input spec the features came from (changes when they do). */
  tag: string;
  layers: readonly string[];
  layerDims: number[];
  /** Start of each layer's slice within a row. */
  offsets: number[];
  dim: number;
  /** One row per photo, in input order, per view. */
  views: Record<View, Float32Array>;
}

/** Photos re-embedded on every run to check the cache still matches the code (see below). */
const CHECKED_PHOTOS = 2;
/** Largest difference between a cached and a fresh feature that still counts as equal. */
const CHECK_TOLERANCE = 1e-4;

/** The backbone's input spec: the default converter's, so features match the shipped model. */
export function backboneInput(): ModelSpec['input'] {
  return convertMobilenet(DEFAULT_MOBILENET_OPTIONS).spec.input;
}

/** Mirrors every image of an NCHW batch left to right, in place. */
export function mirrorNchw(tensor: Float32Array, batch: number, size: number): void {
  for (let plane = 0; plane < batch * 3; plane++) {
    for (let y = 0; y < size; y++) {
      const row = plane * size * size + y * size;
      for (let x = 0, z = size - 1; x < z; x++, z--) {
        const t = tensor[row + x];
        tensor[row + x] = tensor[row + z];
        tensor[row + z] = t;
      }
    }
  }
}

export interface FeatureOptions {
  /** Cache folder (e.g. .cache/train). */
  cache: string;
  batch?: number;
  threads?: number;
  log?: (line: string) => void;
}

/** A photo: a file path, or encoded bytes (e.g. a generated camera query). */
export type PhotoInput = string | Uint8Array;

/** Pooled features of FEATURE_LAYERS for `photos`, plain and mirrored; cached per photo. */
export async function backboneFeatures(
  photos: readonly PhotoInput[],
  options: FeatureOptions,
): Promise<FeatureTable> {
  const input = backboneInput();
  if (input.layout !== 'NCHW') throw new Error('backboneFeatures expects an NCHW backbone');
  const backbone = pooledBackbone(input);
  const { tag, dim } = backbone;
  const caches: ViewCaches = {
    plain: new EmbeddingCache(join(options.cache, `features-${tag}-plain.bin`), dim),
    mirror: new EmbeddingCache(join(options.cache, `features-${tag}-mirror.bin`), dim),
  };
  const hashed = await Promise.all(
    photos.map(async (photo) => ({
      photo,
      hash: createHash('sha256')
        .update(typeof photo === 'string' ? await readFile(photo) : photo)
        .digest('hex'),
    })),
  );
  const extractor = await FeatureExtractor.open(backbone, input, options);
  await dropStaleCache(hashed, caches, extractor, options.log);
  await extractMissing(hashed, caches, extractor, options.log);
  await extractor.release();
  const views = {
    plain: new Float32Array(photos.length * dim),
    mirror: new Float32Array(photos.length * dim),
  };
  hashed.forEach(({ hash }, i) => {
    views.plain.set(caches.plain.get(hash)!, i * dim);
    views.mirror.set(caches.mirror.get(hash)!, i * dim);
  });
  const { layerDims, offsets } = backbone;
  return { tag, layers: FEATURE_LAYERS, layerDims, offsets, dim, views };
}

type ViewCaches = Record<View, EmbeddingCache>;

interface HashedPhoto {
  photo: PhotoInput;
  hash: string;
}

/** The encoded 'pooled' graph of FEATURE_LAYERS, its row layout and its cache tag. */
interface PooledBackbone {
  onnx: Uint8Array;
  tag: string;
  layerDims: number[];
  offsets: number[];
  dim: number;
}

function pooledBackbone(input: ModelSpec['input']): PooledBackbone {
  const { graph, layerDims, dim } = buildKerasGraph(loadNsfwjsMobilenet(), {
    layers: [...FEATURE_LAYERS],
    weights: 'uint8',
    outputs: 'pooled',
    size: input.size,
  });
  const onnx = graph.encode({ producer: 'lookalike scripts/train' });
  // Keyed by the graph and input spec. Decoding and preprocessing are other people's code that
  // changes often without changing pixels, so instead of hashing their sources the cache is
  // checked by content: a few photos are recomputed every run and must match.
  const tag = createHash('sha256')
    .update(onnx)
    .update(JSON.stringify(input))
    .digest('hex')
    .slice(0, 16);
  const offsets = layerDims.map((_, i) => layerDims.slice(0, i).reduce((a, b) => a + b, 0));
  return { onnx, tag, layerDims, offsets, dim };
}

/** Runs batches of photos through the pooled backbone with onnxruntime-node. */
class FeatureExtractor {
  readonly batchSize: number;
  readonly #session: ort.InferenceSession;
  readonly #backbone: PooledBackbone;
  readonly #input: ModelSpec['input'];
  readonly #pre: ImagePreprocessor;
  readonly #tensor: Float32Array;
  readonly #outputs = FEATURE_LAYERS.map((l) => `${l}_pooled`);

  static async open(backbone: PooledBackbone, input: ModelSpec['input'], options: FeatureOptions) {
    const session = await ort.InferenceSession.create(backbone.onnx, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: options.threads ?? 2,
      extra: { session: { disable_quant_qdq: '1' } },
    });
    return new FeatureExtractor(session, backbone, input, options.batch ?? 16);
  }

  private constructor(
    session: ort.InferenceSession,
    backbone: PooledBackbone,
    input: ModelSpec['input'],
    batchSize: number,
  ) {
    this.#session = session;
    this.#backbone = backbone;
    this.#input = input;
    this.batchSize = batchSize;
    this.#pre = new ImagePreprocessor(input);
    this.#tensor = new Float32Array(batchSize * this.#pre.imageLength);
  }

  /** Both views of up to batchSize photos, `dim` values a photo. */
  async extract(part: readonly PhotoInput[]): Promise<Record<View, Float32Array>> {
    const images = await Promise.all(part.map((photo) => decodeImageNode(photo)));
    images.forEach((image, i) => this.#pre.toTensor(image, this.#tensor, i));
    const plain = await this.#run(part.length);
    mirrorNchw(this.#tensor, part.length, this.#input.size);
    return { plain, mirror: await this.#run(part.length) };
  }

  /** Values a photo per view. */
  get dim(): number {
    return this.#backbone.dim;
  }

  release(): Promise<void> {
    return this.#session.release();
  }

  async #run(rows: number): Promise<Float32Array> {
    const { size } = this.#input;
    const { layerDims, offsets, dim } = this.#backbone;
    const batch = this.#tensor.subarray(0, rows * this.#pre.imageLength);
    const pixels = new ort.Tensor('float32', batch, [rows, 3, size, size]);
    const result = await this.#session.run({ [INPUT_NAME]: pixels }, this.#outputs);
    const out = new Float32Array(rows * dim);
    this.#outputs.forEach((name, l) => {
      const values = result[name].data as Float32Array;
      for (let r = 0; r < rows; r++) {
        out.set(values.subarray(r * layerDims[l], (r + 1) * layerDims[l]), r * dim + offsets[l]);
      }
    });
    return out;
  }
}

/** Recomputes a few cached photos; when they no longer match, empties the caches. */
async function dropStaleCache(
  hashed: readonly HashedPhoto[],
  caches: ViewCaches,
  extractor: FeatureExtractor,
  log?: (line: string) => void,
): Promise<void> {
  const checked = hashed.filter(({ hash }) => caches.plain.get(hash)).slice(0, CHECKED_PHOTOS);
  if (!checked.length) return;
  const fresh = await extractor.extract(checked.map((c) => c.photo));
  const { dim } = extractor;
  const stale = checked.some(({ hash }, i) =>
    (['plain', 'mirror'] as const).some((view) => {
      const cached = caches[view].get(hash)!;
      const now = fresh[view].subarray(i * dim, (i + 1) * dim);
      return cached.some((v, j) => !(Math.abs(v - now[j]) <= CHECK_TOLERANCE));
    }),
  );
  if (stale) {
    log?.('features: the cache no longer matches decoding/preprocessing; recomputing');
    caches.plain.retain(new Set());
    caches.mirror.retain(new Set());
  }
}

/** Extracts the photos missing from either cache, in batches, and saves the caches. */
async function extractMissing(
  hashed: readonly HashedPhoto[],
  caches: ViewCaches,
  extractor: FeatureExtractor,
  log?: (line: string) => void,
): Promise<void> {
  const todo = hashed.filter(({ hash }) => !caches.plain.get(hash) || !caches.mirror.get(hash));
  if (!todo.length) return;
  log?.(`features: ${todo.length} of ${hashed.length} photos to run through the backbone`);
  const bar = new ProgressBar('backbone features', todo.length);
  const { batchSize, dim } = extractor;
  for (let start = 0; start < todo.length; start += batchSize) {
    const part = todo.slice(start, start + batchSize);
    const { plain, mirror } = await extractor.extract(part.map((p) => p.photo));
    part.forEach(({ hash }, i) => {
      caches.plain.set(hash, plain.subarray(i * dim, (i + 1) * dim));
      caches.mirror.set(hash, mirror.subarray(i * dim, (i + 1) * dim));
    });
    bar.tick(part.length);
  }
  bar.finish();
  caches.plain.save();
  caches.mirror.save();
}

/** Squared L2 norm of values[from, from + width), or 1 when it is 0 (so a zero slice stays 0). */
function sliceNorm(values: Float32Array, from: number, width: number): number {
  let sum = 0;
  for (let j = from; j < from + width; j++) sum += values[j] * values[j];
  return sum > 0 ? Math.sqrt(sum) : 1;
}

/**
 * Rows of the chosen layers' slices (concatenated), each slice optionally L2-normalised per view
 * (`layerNorm`), optionally averaged over the photo and its mirror image.
 */
export function selectFeatures(
  table: FeatureTable,
  layers: readonly string[],
  views: 'plain' | 'average',
  layerNorm = false,
): { features: Float32Array; dim: number } {
  const picks = layers.map((layer) => {
    const l = table.layers.indexOf(layer);
    if (l < 0) throw new Error(`no extracted features for layer ${layer}`);
    return { offset: table.offsets[l], width: table.layerDims[l] };
  });
  const dim = picks.reduce((a, p) => a + p.width, 0);
  const rows = table.views.plain.length / table.dim;
  const features = new Float32Array(rows * dim);
  const { plain, mirror } = table.views;
  for (let r = 0; r < rows; r++) {
    let at = r * dim;
    for (const { offset, width } of picks) {
      const from = r * table.dim + offset;
      const p = layerNorm ? 1 / sliceNorm(plain, from, width) : 1;
      const m = layerNorm ? 1 / sliceNorm(mirror, from, width) : 1;
      for (let j = 0; j < width; j++) {
        features[at + j] =
          views === 'plain'
            ? plain[from + j] * p
            : 0.5 * (plain[from + j] * p + mirror[from + j] * m);
      }
      at += width;
    }
  }
  return { features, dim };
}
