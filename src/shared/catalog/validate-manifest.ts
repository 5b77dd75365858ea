/** Checks untrusted JSON against the catalog manifest type, field by field. */
import type { ModelSpec, ResizeMethod, TransformersFamily } from '../model/spec.ts';
import {
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type CatalogManifest,
  type FileRef,
  type ManifestModel,
  type ShardRef,
} from './manifest.ts';
import { SHARD_MAX_DIM } from './shard.ts';

/** A manifest that does not match its type; `path` names the offending field. */
export class ManifestError extends Error {
  override name = 'ManifestError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`catalog manifest: ${path || '(root)'} ${problem}`);
  }
}

type Json = Record<string, unknown>;

function fail(path: string, problem: string): never {
  throw new ManifestError(path, problem);
}

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, 'must be an object');
  }
  return value as Json;
}

/** A dense copy of an array (holes read as undefined, so they fail their entry's check). */
function array(value: unknown, path: string, maxLength: number): unknown[] {
  if (!Array.isArray(value)) fail(path, 'must be an array');
  if (value.length > maxLength) fail(path, `has more than ${maxLength} entries`);
  return Array.from(value as unknown[]);
}

function string(value: unknown, path: string, maxLength = 4096): string {
  if (typeof value !== 'string') fail(path, 'must be a string');
  if (value.length > maxLength) fail(path, `is longer than ${maxLength} characters`);
  return value;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'must be true or false');
  return value;
}

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'must be a finite number');
  return value;
}

function count(value: unknown, path: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    fail(path, `must be a whole number from 0 to ${max}`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function hex64(value: unknown, path: string): string {
  const text = string(value, path, 64);
  if (!/^[0-9a-f]{64}$/.test(text)) fail(path, 'must be a sha256 in lowercase hex');
  return text;
}

/** A path relative to the manifest that cannot escape the catalog folder. */
function relativePath(value: unknown, path: string): string {
  const text = string(value, path, 512);
  if (
    !text ||
    text.startsWith('/') ||
    text.includes('\\') ||
    text.includes('://') ||
    text.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    fail(path, 'must be a plain relative path inside the catalog');
  }
  return text;
}

function triple(value: unknown, path: string): [number, number, number] {
  const list = array(value, path, 3);
  if (list.length !== 3) fail(path, 'must hold 3 numbers');
  return [
    finite(list[0], `${path}[0]`),
    finite(list[1], `${path}[1]`),
    finite(list[2], `${path}[2]`),
  ];
}

function fileRef(value: unknown, path: string): FileRef {
  const o = object(value, path);
  return {
    file: relativePath(o.file, `${path}.file`),
    bytes: count(o.bytes, `${path}.bytes`),
    sha256: hex64(o.sha256, `${path}.sha256`),
    ...gzipBytes(o.gzipBytes, path),
  };
}

/** The optional size of a file's gzip copy: absent, or a byte count of 1 or more. */
function gzipBytes(value: unknown, path: string): { gzipBytes?: number } {
  if (value === undefined) return {};
  const bytes = count(value, `${path}.gzipBytes`);
  if (bytes < 1) fail(`${path}.gzipBytes`, 'must be 1 or more');
  return { gzipBytes: bytes };
}

export function parseModelSpec(value: unknown, path = 'spec'): ModelSpec {
  const o = object(value, path);
  const input = object(o.input, `${path}.input`);
  const output = object(o.output, `${path}.output`);
  const towers = object(o.towers, `${path}.towers`);
  const id = string(o.id, `${path}.id`, 128);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) fail(`${path}.id`, 'must be a folder-name slug');
  const std = triple(input.std, `${path}.input.std`);
  if (std.some((s) => s === 0)) fail(`${path}.input.std`, 'must not hold 0');
  return {
    id,
    version: string(o.version, `${path}.version`, 128),
    name: string(o.name, `${path}.name`, 256),
    runtime: oneOf(o.runtime, `${path}.runtime`, ['onnx', 'transformers'] as const),
    ...(o.family === undefined
      ? {}
      : {
          family: oneOf<TransformersFamily>(o.family, `${path}.family`, [
            'clip',
            'siglip',
            'dinov2',
          ]),
        }),
    file: relativePath(o.file, `${path}.file`),
    sha256: hex64(o.sha256, `${path}.sha256`),
    bytes: count(o.bytes, `${path}.bytes`),
    ...gzipBytes(o.gzipBytes, path),
    sourceHash: string(o.sourceHash, `${path}.sourceHash`, 256),
    input: {
      name: string(input.name, `${path}.input.name`, 256),
      size: count(input.size, `${path}.input.size`, 4096),
      layout: oneOf(input.layout, `${path}.input.layout`, ['NCHW', 'NHWC'] as const),
      resize: oneOf<ResizeMethod>(input.resize, `${path}.input.resize`, ['squash', 'center-crop']),
      channels: oneOf(input.channels, `${path}.input.channels`, ['RGB', 'BGR'] as const),
      mean: triple(input.mean, `${path}.input.mean`),
      std,
    },
    output: parseOutput(output, `${path}.output`),
    towers: {
      image: boolean(towers.image, `${path}.towers.image`),
      text: boolean(towers.text, `${path}.towers.text`),
    },
    licence: string(o.licence, `${path}.licence`, 1024),
    provenance: array(o.provenance, `${path}.provenance`, 64).map((p, i) =>
      string(p, `${path}.provenance[${i}]`),
    ),
    ...(o.files === undefined
      ? {}
      : {
          files: array(o.files, `${path}.files`, 256).map((f, i) =>
            fileRef(f, `${path}.files[${i}]`),
          ),
        }),
  };
}

function parseOutput(output: Json, path: string): ModelSpec['output'] {
  const dim = count(output.dim, `${path}.dim`, SHARD_MAX_DIM);
  const parsed = {
    name: string(output.name, `${path}.name`, 256),
    dim,
    normalized: boolean(output.normalized, `${path}.normalized`),
  };
  if (output.instance === undefined) return parsed;
  const instance = object(output.instance, `${path}.instance`);
  const offset = count(instance.offset, `${path}.instance.offset`, dim);
  const dims = count(instance.dims, `${path}.instance.dims`, dim);
  if (dims < 1 || offset + dims > dim) {
    fail(`${path}.instance`, `must be 1 or more dims inside the output's ${dim}`);
  }
  return { ...parsed, instance: { offset, dims } };
}

function manifestModel(value: unknown, path: string, itemCount: number): ManifestModel {
  const o = object(value, path);
  const spec = parseModelSpec(o.spec, `${path}.spec`);
  const dim = count(o.dim, `${path}.dim`, SHARD_MAX_DIM);
  if (dim < 1 || dim !== spec.output.dim) fail(`${path}.dim`, 'must equal spec.output.dim (≥ 1)');
  const quantization = oneOf(o.quantization, `${path}.quantization`, [
    'int8-symmetric-per-vector',
    'int8-centered-symmetric-per-vector',
  ] as const);
  let next = 0;
  const shards = array(o.shards, `${path}.shards`, 1e6).map((s, i): ShardRef => {
    const at = `${path}.shards[${i}]`;
    const ref = { ...fileRef(s, at), start: 0, count: 0 };
    const shard = object(s, at);
    ref.start = count(shard.start, `${at}.start`);
    ref.count = count(shard.count, `${at}.count`);
    // Shards tile the index in order, so item i is in exactly one place.
    if (ref.start !== next) fail(`${at}.start`, `must be ${next} (shards tile the index in order)`);
    next += ref.count;
    return ref;
  });
  if (next !== itemCount)
    fail(`${path}.shards`, `hold ${next} vectors, the catalog has ${itemCount}`);
  return { spec, dim, quantization, shards };
}

/** Validates parsed manifest JSON; throws ManifestError naming the first bad field. */
export function parseManifest(json: unknown): CatalogManifest {
  const o = object(json, '');
  if (o.format !== MANIFEST_FORMAT) fail('format', `must be "${MANIFEST_FORMAT}"`);
  if (o.formatVersion !== MANIFEST_FORMAT_VERSION) {
    fail(
      'formatVersion',
      `is ${String(o.formatVersion)}, this app reads ${MANIFEST_FORMAT_VERSION}`,
    );
  }
  const itemCount = count(o.count, 'count', 0xffffffff);
  const models = array(o.models, 'models', 64).map((m, i) =>
    manifestModel(m, `models[${i}]`, itemCount),
  );
  const ids = new Set(models.map((m) => m.spec.id));
  if (ids.size !== models.length) fail('models', 'must not list a model twice');
  const thumbs = object(o.thumbs, 'thumbs');
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    version: string(o.version, 'version', 256),
    createdAt: string(o.createdAt, 'createdAt', 64),
    count: itemCount,
    models,
    items: fileRef(o.items, 'items'),
    thumbs: {
      maxSide: count(thumbs.maxSide, 'thumbs.maxSide', 4096),
      packs: array(thumbs.packs, 'thumbs.packs', 1e5).map((p, i) =>
        fileRef(p, `thumbs.packs[${i}]`),
      ),
      ...(thumbs.digests === undefined
        ? {}
        : { digests: fileRef(thumbs.digests, 'thumbs.digests') }),
    },
  };
}
