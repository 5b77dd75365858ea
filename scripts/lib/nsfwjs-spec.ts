/** The ModelSpec of an ONNX embedding model converted from one of nsfwjs's Keras models. */
import { createHash } from 'node:crypto';
import type { ModelSpec, ResizeMethod } from '../../src/shared/model/spec.ts';
import { INPUT_NAME } from './keras-graph.ts';

export interface NsfwjsSpecFields {
  id: string;
  version: string;
  name: string;
  onnx: Uint8Array;
  sourceHash: string;
  /** Square input side. */
  size: number;
  resize: ResizeMethod;
  output: ModelSpec['output'];
  /** "MobileNetV2", "InceptionV3": named in the licence. */
  architecture: string;
  provenance: string[];
}

export function nsfwjsModelSpec(f: NsfwjsSpecFields): ModelSpec {
  return {
    id: f.id,
    version: f.version,
    name: f.name,
    runtime: 'onnx',
    file: 'model.onnx',
    sha256: createHash('sha256').update(f.onnx).digest('hex'),
    bytes: f.onnx.byteLength,
    sourceHash: f.sourceHash,
    input: {
      name: INPUT_NAME,
      size: f.size,
      layout: 'NCHW',
      resize: f.resize,
      channels: 'RGB',
      // nsfwjs feeds v / 255 (core.js divides by its normalizationOffset, 255), no mean/std.
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    output: f.output,
    towers: { image: true, text: false },
    licence: `MIT (nsfwjs, Copyright (c) 2019 Infinite Red, Inc.); ${f.architecture} architecture and ImageNet weights from Keras Applications, Apache-2.0.`,
    provenance: f.provenance,
  };
}
