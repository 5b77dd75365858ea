/**
 * Web Worker harness for tests/e2e/model-parity.spec.ts: the shared browser decode, preprocessing
 * and embedder on onnxruntime-web (WASM, self-hosted files), behind one comlink API.
 */
import { expose } from 'comlink';
import * as ort from 'onnxruntime-web/wasm';
import * as ortGpu from 'onnxruntime-web/webgpu';
import {
  createOnnxEmbedder,
  wasmSessionOptions,
  type OnnxEmbedder,
} from '../../src/shared/model/onnx-embedder.ts';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import {
  canvasPixels,
  decodeImageBlob,
  videoFramePixels,
  type BrowserImage,
} from '../../src/shared/preprocess/decode-browser.ts';
import { ImageDecodeError } from '../../src/shared/preprocess/decode-error.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';

let session: Promise<{ embedder: OnnxEmbedder; preprocessor: ImagePreprocessor }> | undefined;

/** Where the model runs: WASM with a thread count, or WebGPU on the browser's first adapter. */
export type Backend = { kind: 'wasm'; threads: number } | { kind: 'webgpu' };

async function load(backend: Backend) {
  const runtime = backend.kind === 'webgpu' ? ortGpu : ort;
  runtime.env.wasm.numThreads = backend.kind === 'wasm' ? backend.threads : 1;
  runtime.env.wasm.wasmPaths = new URL('/ort/', self.location.href).href;
  const spec = (await (await fetch('/model/model.json')).json()) as ModelSpec;
  const bytes = new Uint8Array(await (await fetch(`/model/${spec.file}`)).arrayBuffer());
  const embedder = await createOnnxEmbedder(runtime, bytes, spec, {
    executionProviders: [backend.kind],
    ...(backend.kind === 'wasm' ? wasmSessionOptions(backend.threads) : {}),
  });
  return { embedder, preprocessor: new ImagePreprocessor(spec.input) };
}

async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.blob();
}

/** What decodeUrl reports: the decoded size, or the decode error as data. */
export type DecodeOutcome =
  | {
      ok: true;
      width: number;
      height: number;
      sourceWidth: number;
      sourceHeight: number;
      bytes: number;
      /** Bytes differing between the pixels and the picture (preview) drawn: 0 when alike. */
      pictureDiffers: number;
    }
  | { ok: false; name: string; reason: string; message: string };

/** Bytes that differ between two pixel arrays; -1 when their lengths differ. */
function differingBytes(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -1;
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
  return count;
}

/** Bytes that differ between the decoded pixels and its picture (the preview) as drawn; closes it. */
function pictureDiffering(decoded: BrowserImage): number {
  const { picture, data } = decoded;
  if (!picture) return -2;
  try {
    return differingBytes(data, canvasPixels(picture));
  } finally {
    picture.close();
  }
}

const api = {
  /** Loads the model on `backend` (once per worker). */
  async init(
    backend: Backend,
  ): Promise<{ crossOriginIsolated: boolean; numThreads: number; adapter: string | null }> {
    session ??= load(backend);
    await session;
    const device = backend.kind === 'webgpu' ? await ortGpu.env.webgpu.device : null;
    return {
      crossOriginIsolated: self.crossOriginIsolated,
      numThreads: ort.env.wasm.numThreads ?? 0,
      adapter: device ? `${device.adapterInfo.vendor} ${device.adapterInfo.architecture}` : null,
    };
  },

  /** Whether this worker's browser offers any WebGPU adapter (software ones included). */
  async hasGpuAdapter(): Promise<boolean> {
    const gpu = (self.navigator as WorkerNavigator & { gpu?: GPU }).gpu;
    return Boolean(await gpu?.requestAdapter());
  },

  /** Decodes, preprocesses and embeds the photo at `url`. */
  async embedUrl(url: string) {
    const { embedder, preprocessor } = await session!;
    const image = await decodeImageBlob(await fetchBlob(url));
    const tensor = createTensorBuffer(preprocessor.input, 1);
    preprocessor.toTensor(image, tensor, 0);
    const vector = Array.from(await embedder.embed(tensor, 1));
    const { width, height, sourceWidth, sourceHeight } = image;
    return { vector, width, height, sourceWidth, sourceHeight };
  },

  /**
   * The photo at `url` read the ways the decoder can (VideoFrame copy, canvas draw, and
   * `decodeImageBlob` itself): whether the VideoFrame path ran, and how many bytes differ from
   * the canvas's.
   */
  async comparePixelPaths(url: string) {
    const bitmap = await createImageBitmap(await fetchBlob(url), {
      imageOrientation: 'from-image',
    });
    try {
      const frame = await videoFramePixels(bitmap);
      const canvas = canvasPixels(bitmap);
      const differing = frame ? canvas.filter((value, i) => value !== frame[i]).length : -1;
      // The decoder's own path (ImageDecoder for a JPEG), at full size for these small photos.
      const decoded = await decodeImageBlob(await fetchBlob(url), { picture: true });
      return {
        framePath: frame !== null,
        sameLength: frame?.length === canvas.length,
        differing,
        decoderDiffering: differingBytes(canvas, decoded.data),
        pictureDiffering: pictureDiffering(decoded),
      };
    } finally {
      bitmap.close();
    }
  },

  /** Decodes only; a decode failure comes back as data (name, reason) instead of a throw. */
  async decodeUrl(url: string): Promise<DecodeOutcome> {
    try {
      const decoded = await decodeImageBlob(await fetchBlob(url), { picture: true });
      const { width, height, sourceWidth, sourceHeight, data } = decoded;
      const pictureDiffers = pictureDiffering(decoded);
      return {
        ok: true,
        width,
        height,
        sourceWidth,
        sourceHeight,
        bytes: data.length,
        pictureDiffers,
      };
    } catch (error) {
      if (error instanceof ImageDecodeError) {
        return {
          ok: false as const,
          name: error.name,
          reason: error.reason,
          message: error.message,
        };
      }
      throw error;
    }
  },
};

export type ParityApi = typeof api;
expose(api);
