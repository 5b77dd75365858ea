/**
 * Real models an online user can fetch (`npm run models:fetch -- <id>`), in the Hugging Face
 * hub layout transformers.js reads. Sizes are the fp32 ONNX files as published, rounded;
 * sha256 is pinned where known, else the hub's LFS headers are checked at download time.
 */
import type { ModelSpec } from './spec.ts';

/** How transformers.js loads the towers: only 'clip' runs in this app today. */
export type ModelFamily = 'clip' | 'siglip' | 'dinov2';

export interface RegistryFile {
  /** Path inside the hub repository (and inside `models/<id>/`). */
  file: string;
  /** sha256 (hex) pinned by this registry; when absent, the hub's LFS sha256 is used. */
  sha256?: string;
  bytes?: number;
}

export interface RegistryEntry {
  id: string;
  /** Hub repository (`owner/name`). */
  repo: string;
  name: string;
  family: ModelFamily;
  towers: { image: boolean; text: boolean };
  /** Embedding dimension. */
  dim: number;
  files: RegistryFile[];
  /** Rough download size in MB (all files), to tell the user before fetching. */
  downloadMB: number;
  /** The image tower's input, as the model's preprocessor_config.json says. */
  input: ModelSpec['input'];
  licence: string;
  goodFor: string;
}

const CLIP_INPUT: ModelSpec['input'] = {
  name: 'pixel_values',
  size: 224,
  layout: 'NCHW',
  resize: 'center-crop',
  channels: 'RGB',
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
};

/** The hub side files every CLIP-style repository has beside its ONNX towers. */
const hubFiles = (...onnx: string[]): RegistryFile[] => [
  { file: 'config.json' },
  { file: 'preprocessor_config.json' },
  { file: 'tokenizer.json' },
  { file: 'tokenizer_config.json' },
  { file: 'special_tokens_map.json' },
  ...onnx.map((file) => ({ file })),
];

export const MODEL_REGISTRY: readonly RegistryEntry[] = [
  {
    id: 'clip-vit-b32',
    repo: 'Xenova/clip-vit-base-patch32',
    name: 'CLIP ViT-B/32 (OpenAI)',
    family: 'clip',
    towers: { image: true, text: true },
    dim: 512,
    files: hubFiles('onnx/vision_model.onnx', 'onnx/text_model.onnx'),
    downloadMB: 600,
    input: CLIP_INPUT,
    licence: 'MIT (OpenAI CLIP)',
    goodFor:
      'General image and text search: "red floral dress" works out of the box; weaker on fine fashion detail than the fashion-tuned models.',
  },
  {
    id: 'marqo-fashionclip',
    repo: 'Marqo/marqo-fashionCLIP',
    name: 'Marqo-FashionCLIP (ViT-B/16)',
    family: 'clip',
    towers: { image: true, text: true },
    dim: 512,
    files: hubFiles('onnx/vision_model.onnx', 'onnx/text_model.onnx'),
    downloadMB: 600,
    input: CLIP_INPUT,
    licence: 'Apache-2.0',
    goodFor:
      'Fashion: fine-tuned on product images and attributes (category, colour, material, style); the best text search for a clothing catalog of this size class.',
  },
  {
    id: 'marqo-fashionsiglip',
    repo: 'Marqo/marqo-fashionSigLIP',
    name: 'Marqo-FashionSigLIP (ViT-B/16)',
    family: 'siglip',
    towers: { image: true, text: true },
    dim: 768,
    files: hubFiles('onnx/vision_model.onnx', 'onnx/text_model.onnx'),
    downloadMB: 820,
    input: { ...CLIP_INPUT, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    licence: 'Apache-2.0',
    goodFor:
      'Fashion, highest retrieval quality of the list; needs SigLIP tower classes, which this app does not load yet (fetchable, not yet runnable).',
  },
  {
    id: 'mobileclip-s0',
    repo: 'Xenova/mobileclip_s0',
    name: 'MobileCLIP-S0 (Apple)',
    family: 'clip',
    towers: { image: true, text: true },
    dim: 512,
    files: hubFiles('onnx/vision_model.onnx', 'onnx/text_model.onnx'),
    downloadMB: 215,
    input: { ...CLIP_INPUT, size: 256, mean: [0, 0, 0], std: [1, 1, 1] },
    licence: 'Apple sample code licence (see the repository)',
    goodFor:
      'Phones: CLIP-level zero-shot quality at a fraction of the compute; the best image+text model for on-device speed.',
  },
  {
    id: 'dinov2-small',
    repo: 'Xenova/dinov2-small',
    name: 'DINOv2 ViT-S/14 (image only)',
    family: 'dinov2',
    towers: { image: true, text: false },
    dim: 384,
    files: [
      { file: 'config.json' },
      { file: 'preprocessor_config.json' },
      { file: 'onnx/model.onnx' },
    ],
    downloadMB: 90,
    input: { ...CLIP_INPUT, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    licence: 'Apache-2.0',
    goodFor:
      'Visual similarity only (texture, shape, pattern), no text tower: words fall back to keyword filters. Needs the DINOv2 loader (fetchable, not yet runnable).',
  },
];

export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
}

export function registryEntry(id: string): RegistryEntry {
  const entry = MODEL_REGISTRY.find((e) => e.id === id);
  if (!entry) {
    throw new UnknownModelError(
      `no model "${id}" in the registry; known: ${MODEL_REGISTRY.map((e) => e.id).join(', ')}`,
    );
  }
  return entry;
}
