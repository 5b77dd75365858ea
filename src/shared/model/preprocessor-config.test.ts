import { describe, expect, it } from 'vitest';
import { inputDifferences, inputFromPreprocessor } from './preprocessor-config.ts';
import { registryEntry } from './registry.ts';

// The preprocessor configs the hub repositories publish (values as listed on their file pages).
const SIGLIP = {
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  image_processor_type: 'SiglipImageProcessor',
  image_mean: [0.5, 0.5, 0.5],
  resample: 3,
  rescale_factor: 0.00392156862745098,
  size: { height: 224, width: 224 },
  image_std: [0.5, 0.5, 0.5],
};
const DINOV2 = {
  crop_size: { height: 224, width: 224 },
  do_center_crop: true,
  do_convert_rgb: true,
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  image_mean: [0.485, 0.456, 0.406],
  image_processor_type: 'BitImageProcessor',
  image_std: [0.229, 0.224, 0.225],
  resample: 3,
  rescale_factor: 0.00392156862745098,
  size: { shortest_edge: 256 },
};
const CLIP = {
  crop_size: 224,
  do_center_crop: true,
  do_normalize: true,
  do_resize: true,
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_std: [0.26862954, 0.26130258, 0.27577711],
  size: 224,
};

describe('inputFromPreprocessor', () => {
  it('reads the SigLIP, DINOv2 and (old-style) CLIP configs as the registry entries say', () => {
    for (const [id, config] of [
      ['marqo-fashionsiglip', SIGLIP],
      ['dinov2-small', DINOV2],
      ['clip-vit-b32', CLIP],
    ] as const) {
      const { input } = registryEntry(id);
      const read = inputFromPreprocessor(config, input);
      expect(read.problem).toBeNull();
      expect(inputDifferences(input, read.input!)).toEqual([]);
    }
    expect(inputFromPreprocessor(SIGLIP, registryEntry('clip-vit-b32').input).input).toMatchObject({
      resize: 'squash',
      size: 224,
    });
  });

  it('names what it cannot express instead of guessing', () => {
    const fallback = registryEntry('clip-vit-b32').input;
    expect(
      inputFromPreprocessor({ ...DINOV2, crop_size: { height: 224, width: 200 } }, fallback)
        .problem,
    ).toBe('no square input size');
    expect(inputFromPreprocessor({ ...SIGLIP, rescale_factor: 1 }, fallback).problem).toMatch(
      /rescale_factor/,
    );
    expect(inputFromPreprocessor({ ...SIGLIP, image_std: [0, 1, 1] }, fallback).problem).toMatch(
      /image_std/,
    );
    expect(inputFromPreprocessor(null, fallback).problem).toBe('not a JSON object');
  });

  it('reads unnormalised and channel-flipped inputs (MobileViT style)', () => {
    const fallback = registryEntry('mobileclip-s0').input;
    const read = inputFromPreprocessor(
      {
        do_center_crop: true,
        crop_size: { height: 256, width: 256 },
        size: { shortest_edge: 256 },
        do_flip_channel_order: true,
      },
      fallback,
    );
    expect(read.input).toMatchObject({
      size: 256,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      channels: 'BGR',
    });
    expect(inputDifferences(fallback, read.input!)).toEqual(['channels "RGB" → "BGR"']);
  });
});
