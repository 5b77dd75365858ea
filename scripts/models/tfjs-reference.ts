/**
 * The reference the converter is checked against: nsfwjs's Keras model run by @tensorflow/tfjs
 * (loaded from the same artefacts nsfwjs hands tfjs), truncated at the chosen layers, pooled,
 * L2-normalised and fused exactly like the ONNX graph.
 */
import * as tf from '@tensorflow/tfjs';
import type { NsfwjsArtifacts } from '../lib/nsfwjs-keras.ts';

export interface TfjsReference {
  /** Embeds one NHWC [size, size, 3] image tensor (values as the model expects). */
  embed(nhwc: Float32Array): Float32Array;
  dispose(): void;
}

export async function loadTfjsReference(
  artifacts: NsfwjsArtifacts,
  layers: string[],
  size = 224,
): Promise<TfjsReference> {
  await tf.setBackend('cpu');
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
  const truncated = tf.model({
    inputs: model.inputs,
    outputs: layers.map((name) => model.getLayer(name).output as tf.SymbolicTensor),
  });
  return {
    embed(nhwc) {
      return tf.tidy(() => {
        const out = truncated.predict(tf.tensor4d(nhwc, [1, size, size, 3]));
        const parts = (Array.isArray(out) ? out : [out]).map((t) => {
          const pooled = t.mean([1, 2]);
          return pooled.div(pooled.norm());
        });
        const joined = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
        return joined.div(joined.norm()).dataSync() as Float32Array;
      });
    },
    dispose() {
      // The truncated model shares the full model's layers: disposing the full one frees both.
      model.dispose();
    },
  };
}

/** NCHW (what the ONNX graph takes) to NHWC (what Keras takes): the same input values. */
export function toNhwc(nchw: Float32Array, size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = nchw[c * plane + i];
  return out;
}

/** Cosine similarity of two embeddings. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return dot / Math.sqrt(aa * bb);
}
