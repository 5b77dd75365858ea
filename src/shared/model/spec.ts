/** The model spec (`models/<id>/model.json`): everything a consumer needs to feed and read a model. */

export type ResizeMethod =
  /** Scale the whole photo to the input size, ignoring aspect ratio (what nsfwjs does). */
  | 'squash'
  /** Scale the short side to the input size, then crop the centre square. */
  | 'center-crop';

/** Which transformers.js tower classes load a `runtime: 'transformers'` model. */
export type TransformersFamily = 'clip' | 'siglip' | 'dinov2';

export interface ModelSpec {
  /** Registry id, also the folder name under `models/`. */
  id: string;
  /** Bumped when the graph or its weights change in a way that changes embeddings. */
  version: string;
  /** Human name shown in the model picker. */
  name: string;
  /** 'onnx' runs through onnxruntime directly; 'transformers' through transformers.js. */
  runtime: 'onnx' | 'transformers';
  /** runtime 'transformers' only: the tower classes that load it; absent means 'clip'. */
  family?: TransformersFamily;
  /** Path of the ONNX file inside the model folder. */
  file: string;
  /** sha256 (hex) of that file. */
  sha256: string;
  bytes: number;
  /** Size of the gzip copy of that file beside it (`<file>.gz`), when `npm run models` wrote one. */
  gzipBytes?: number;
  /** Hash of whatever the build derived the model from; `npm run models` rebuilds when it changes. */
  sourceHash: string;
  input: {
    name: string;
    /** Square input side in pixels. */
    size: number;
    layout: 'NCHW' | 'NHWC';
    resize: ResizeMethod;
    channels: 'RGB' | 'BGR';
    /** Pixel values are (v / 255 - mean) / std per channel. */
    mean: [number, number, number];
    std: [number, number, number];
  };
  output: {
    name: string;
    dim: number;
    /** True when the graph itself L2-normalises its output. */
    normalized: boolean;
    /**
     * Dims `offset` to `offset + dims` hold an instance part (trained to find the same item, e.g.
     * a learned whitening): search may put the candidate it matches best first
     * (src/shared/search/instance-first.ts). Absent for most models.
     */
    instance?: { offset: number; dims: number };
  };
  towers: { image: boolean; text: boolean };
  licence: string;
  provenance: string[];
  /**
   * Every file of a multi-file model (runtime 'transformers': config, tokenizer, both towers'
   * ONNX files), paths relative to the model folder; `file` is the image tower among them.
   * Absent for single-file models.
   */
  files?: ModelFile[];
}

/** One file of a model folder, with what it takes to verify it. */
export interface ModelFile {
  /** Path relative to `models/<id>/`. */
  file: string;
  bytes: number;
  /** sha256 of the file, hex. */
  sha256: string;
  /** Size of its gzip copy beside it, when one was written. */
  gzipBytes?: number;
}
