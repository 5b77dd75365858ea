/**
 * Real models an online user can fetch (`npm run models:fetch -- <id>`), in the Hugging Face
 * hub layout transformers.js reads. File lists are what transformers.js requests for the
 * family's tower classes (checked against a local hub in scripts/models/transformers-files.test.ts);
 * sizes are the published fp32 sizes from the hub's file listings, rounded, not verified from
 * this offline machine. sha256 is pinned where known, else the hub's LFS headers are checked at
 * download time.
 */
import type { ModelSpec, TransformersFamily } from './spec.ts';
import { FAMILY_TOWERS } from './transformers-towers.ts';

/** Which transformers.js tower classes load the model (src/shared/model/transformers-towers.ts). */
export type ModelFamily = TransformersFamily;

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
  /** Rough download size in MB (all files, as published on the hub; not verified here). */
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

/**
 * The files a family's towers need: config.json (read by every from_pretrained), the tokenizer
 * pair when there is a text tower (special_tokens_map.json is never requested), the ONNX towers,
 * and preprocessor_config.json, which transformers.js does not read here (the app preprocesses
 * itself) but models:fetch compares with the registry's `input`.
 */
export function familyFiles(family: ModelFamily, towers: RegistryEntry['towers']): RegistryFile[] {
  const { vision, text } = FAMILY_TOWERS[family];
  const withText = towers.text && text;
  return [
    { file: 'config.json' },
    { file: 'preprocessor_config.json' },
    ...(withText ? [{ file: 'tokenizer.json' }, { file: 'tokenizer_config.json' }] : []),
    ...(towers.image ? [{ file: vision.file }] : []),
    ...(withText ? [{ file: text.file }] : []),
  ];
}

const BOTH = { image: true, text: true };

export const MODEL_REGISTRY: readonly RegistryEntry[] = [
  {
    id: 'clip-vit-b32',
    repo: 'Xenova/clip-vit-base-patch32',
    name: 'CLIP ViT-B/32 (OpenAI)',
    family: 'clip',
    towers: BOTH,
    dim: 512,
    files: familyFiles('clip', BOTH),
    // vision 352 MB + text 254 MB + tokenizer 2 MB
    downloadMB: 608,
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
    towers: BOTH,
    dim: 512,
    files: familyFiles('clip', BOTH),
    // vision 345 MB + text about 254 MB (the ViT-B text tower) + tokenizer
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
    towers: BOTH,
    dim: 768,
    files: familyFiles('siglip', BOTH),
    // vision 372 MB + text 441 MB + tokenizer 2.4 MB
    downloadMB: 816,
    // SiglipImageProcessor: a plain resize to 224 × 224 (no crop), mean and std 0.5.
    input: { ...CLIP_INPUT, resize: 'squash', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    licence: 'Apache-2.0',
    goodFor:
      'Fashion, the best retrieval of the list (image and text, 768-d); the largest download and the slowest per photo.',
  },
  {
    id: 'mobileclip-s0',
    repo: 'Xenova/mobileclip_s0',
    name: 'MobileCLIP-S0 (Apple)',
    family: 'clip',
    towers: BOTH,
    dim: 512,
    files: familyFiles('clip', BOTH),
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
    files: familyFiles('dinov2', { image: true, text: false }),
    // model.onnx 88.5 MB
    downloadMB: 89,
    // BitImageProcessor crops 224 from a 256 short side; the app crops 224 from a 224 short side
    // (its centre-crop keeps the whole short side), so it sees a little more of the garment.
    input: { ...CLIP_INPUT, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    licence: 'Apache-2.0',
    goodFor:
      'Visual similarity only (texture, shape, pattern; the CLS token, 384-d), no text tower: words fall back to keyword filters.',
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
