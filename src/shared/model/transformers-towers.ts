/**
 * How each model family's towers load and read in transformers.js 4.x: the class that opens each
 * ONNX file, the output that holds the embedding, and how texts are padded. Read from the
 * library's own model classes (models/{clip,siglip,dinov2}/modeling_*.js).
 */
import type { TransformersFamily } from './spec.ts';

export interface FamilyTowers {
  /** Class for the image tower and the ONNX file it opens (under `onnx/`). */
  vision: {
    className: 'CLIPVisionModelWithProjection' | 'SiglipVisionModel' | 'Dinov2Model';
    file: string;
    output: string;
  };
  /** Class for the text tower, or null when the family has none. */
  text: {
    className: 'CLIPTextModelWithProjection' | 'SiglipTextModel';
    file: string;
    output: string;
    /**
     * CLIP pads a batch to its longest text (its attention mask hides the padding). SigLIP has
     * no attention mask and pools the last position, so it was trained, and must be run, with
     * every text padded to the tokenizer's model_max_length (64 for the SigLIP checkpoints).
     */
    padding: true | 'max_length';
  } | null;
}

export const FAMILY_TOWERS: Readonly<Record<TransformersFamily, FamilyTowers>> = {
  clip: {
    vision: {
      className: 'CLIPVisionModelWithProjection',
      file: 'onnx/vision_model.onnx',
      output: 'image_embeds',
    },
    text: {
      className: 'CLIPTextModelWithProjection',
      file: 'onnx/text_model.onnx',
      output: 'text_embeds',
      padding: true,
    },
  },
  // SigLIP has no projection layer: the vision tower's attention-pooled head output and the
  // text tower's head output (pooler_output both) are the shared embedding space.
  siglip: {
    vision: {
      className: 'SiglipVisionModel',
      file: 'onnx/vision_model.onnx',
      output: 'pooler_output',
    },
    text: {
      className: 'SiglipTextModel',
      file: 'onnx/text_model.onnx',
      output: 'pooler_output',
      padding: 'max_length',
    },
  },
  // DINOv2's pooler_output is the CLS token after the final layer norm (last_hidden_state[:, 0]),
  // the image descriptor DINOv2 is trained and evaluated with for retrieval (k-NN on CLS).
  dinov2: {
    vision: { className: 'Dinov2Model', file: 'onnx/model.onnx', output: 'pooler_output' },
    text: null,
  },
};

/** A transformers-runtime spec's family (specs written before families existed are CLIP). */
export const familyOf = (spec: { family?: TransformersFamily }): TransformersFamily =>
  spec.family ?? 'clip';
