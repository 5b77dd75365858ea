/**
 * The reference the converter is checked against: nsfwjs's Keras model run by @tensorflow/tfjs
 * (loaded from the same artefacts nsfwjs hands tfjs), truncated at the chosen layers, pooled,
 * L2-normalised and fused exactly like the ONNX graph.
 */
import * as tf from '@tensorflow/tfjs';
import type { NsfwjsArtifacts } from '../lib/nsfwjs-mobilenet.ts';

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
