/** A tiny stand-in model for stage tests: deterministic vectors, counted calls, no ONNX. */
import { readModelSpec, type NodeModel } from '../../lib/node-model.ts';

export function fakeModel(id: string, dim: number): NodeModel & { calls: number[] } {
  const base = readModelSpec('mobilenet-v2');
  const calls: number[] = [];
  return {
    // A valid spec (the manifest checks it), borrowed from the built raw backbone.
    spec: { ...base, id, sha256: id.padEnd(64, '0'), output: { ...base.output, dim } },
    dim,
    calls,
    async embedImages(images) {
      calls.push(images.length);
      const out = new Float32Array(images.length * dim);
      images.forEach((image, i) => {
        // A unit vector that depends on the picture: its size and first pixel.
        for (let j = 0; j < dim; j++)
          out[i * dim + j] = ((image.width * (j + 1) + image.data[j]) % 7) + 1;
        const norm = Math.hypot(...out.subarray(i * dim, (i + 1) * dim));
        for (let j = 0; j < dim; j++) out[i * dim + j] /= norm;
      });
      return out;
    },
    async dispose() {},
  };
}
