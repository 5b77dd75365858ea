/** Reads the Keras models the npm package nsfwjs ships (MobileNetV2, InceptionV3): topology, weight specs, weights. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TensorCodes } from './folded-weights.ts';

const require = createRequire(import.meta.url);

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { min: number; scale: number; dtype: 'uint8' };
}

export interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Names of the layers feeding this one (first inbound node). */
  inputs: string[];
}

/** The model as nsfwjs hands it to tfjs (`tf.io.fromMemory` artefacts). */
export interface NsfwjsArtifacts {
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
}

/** One weight tensor: its uint8 codes and what they stand for (values = min + scale * codes). */
export interface KerasWeight extends TensorCodes {
  shape: number[];
  values: Float32Array;
}

export interface KerasModel {
  /** The architecture, for messages ("MobileNetV2"). */
  architecture: string;
  artifacts: NsfwjsArtifacts;
  layers: KerasLayer[];
  /** Weights by name ("Conv1/kernel", "bn_Conv1/gamma", ...). */
  weights: Map<string, KerasWeight>;
  /** The package files the model was read from (for provenance and hashing). */
  files: { path: string; bytes: Uint8Array }[];
  version: string;
}

// The package's exports hide package.json: walk up from its CommonJS entry (dist/cjs/index.js).
const packageDir = dirname(dirname(dirname(require.resolve('nsfwjs'))));

/** The nsfwjs models read here: their folder under dist/models, weight shards and architecture. */
const NSFWJS_MODELS = {
  mobilenet_v2: { shards: 1, architecture: 'MobileNetV2' },
  inception_v3: { shards: 6, architecture: 'InceptionV3' },
} as const;
export type NsfwjsModelName = keyof typeof NSFWJS_MODELS;

/** The model's files: its topology bundle, then its weight shards in order. */
export function nsfwjsModelFiles(name: NsfwjsModelName): string[] {
  const dir = join(packageDir, 'dist/models', name);
  const { shards } = NSFWJS_MODELS[name];
  return [
    join(dir, 'model.min.js'),
    ...Array.from({ length: shards }, (_, i) =>
      join(dir, `group1-shard${i + 1}of${shards}.min.js`),
    ),
  ];
}

interface RawLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown][][];
}

function parseLayers(topology: Record<string, unknown>): KerasLayer[] {
  const modelConfig = topology.model_config as { config?: { layers?: RawLayer[] } } | undefined;
  const layers = modelConfig?.config?.layers;
  if (!Array.isArray(layers)) throw new Error('nsfwjs model: no layers in modelTopology');
  return layers.map((l) => ({
    name: l.name,
    className: l.class_name,
    config: l.config,
    inputs: (l.inbound_nodes[0] ?? []).map((inbound) => inbound[0]),
  }));
}

/** Dequantises uint8 weights the way tfjs does: value = min + scale * q. */
function decodeWeights(specs: WeightSpec[], data: Uint8Array): KerasModel['weights'] {
  const weights: KerasModel['weights'] = new Map();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    if (!q || q.dtype !== 'uint8') throw new Error(`nsfwjs weight ${spec.name}: expected uint8`);
    const codes = data.slice(offset, offset + count);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = codes[i] * q.scale + q.min;
    weights.set(spec.name, { shape: spec.shape, values, codes, min: q.min, scale: q.scale });
    offset += count;
  }
  if (offset !== data.length) {
    throw new Error(`nsfwjs weights: specs cover ${offset} of ${data.length} bytes`);
  }
  return weights;
}

/** Loads an installed nsfwjs model (its UMD bundles) with dequantised weights. */
export function loadNsfwjsModel(name: NsfwjsModelName): KerasModel {
  const files = nsfwjsModelFiles(name);
  const model = require(files[0]) as {
    modelTopology: Record<string, unknown>;
    weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  };
  const bytes = new Uint8Array(
    Buffer.concat(
      files.slice(1).map((file) => {
        const base64 = require(file) as unknown;
        if (typeof base64 !== 'string') throw new Error(`nsfwjs ${file} is not a base64 string`);
        return Buffer.from(base64, 'base64');
      }),
    ),
  );
  const weightSpecs = model.weightsManifest.flatMap((group) => group.weights);
  const packageJson = readFileSync(join(packageDir, 'package.json'), 'utf8');
  const { version } = JSON.parse(packageJson) as { version: string };
  return {
    architecture: NSFWJS_MODELS[name].architecture,
    artifacts: {
      modelTopology: model.modelTopology,
      weightSpecs,
      weightData: bytes.slice().buffer,
    },
    layers: parseLayers(model.modelTopology),
    weights: decodeWeights(weightSpecs, bytes),
    files: files.map((path) => ({ path, bytes: new Uint8Array(readFileSync(path)) })),
    version,
  };
}

/** The MobileNetV2 the demo catalog's models are built on. */
export const loadNsfwjsMobilenet = (): KerasModel => loadNsfwjsModel('mobilenet_v2');
