/**
 * The CLIP fixture (built by `npm run models`, scripts/models/make-fixtures.ts): writes
 * `models/clip-fixture/`, a tiny CLIP-shaped model in the Hugging Face layout transformers.js
 * loads (config, preprocessor, WordPiece tokenizer, vision and text ONNX towers), with seeded
 * random weights, so the text/image pipeline runs offline without downloading a real model.
 */
import { COLOUR_FAMILIES } from '../../src/shared/catalog/colour.ts';
import { buildFixture, centreCropPreprocessor, type FixtureRecipe, fixtureSpec, weights } from './fixture-model.ts';
import { attr, OnnxGraph } from '../lib/onnx-graph.ts';

export const CLIP_FIXTURE_ID = 'clip-fixture';
/** Embedding dimension of both towers. */
export const CLIP_FIXTURE_DIM = 64;
const IMAGE_SIZE = 32;
const MAX_TOKENS = 32;
const SEED = 20240909;
/** CLIP's own normalisation, as real CLIP checkpoints ship it. */
const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

/** pixel_values [batch, 3, 32, 32] → two convolutions, pooled, projected → image_embeds. */
function visionModel(random: () => number): Uint8Array {
  const g = new OnnxGraph('clip_fixture_vision', 13);
  const pixels = g.input('pixel_values', 'float32', ['batch', 3, IMAGE_SIZE, IMAGE_SIZE]);
  const w1 = g.initializer('patch_weight', [16, 3, 4, 4], weights(random, 16 * 48, 48));
  const b1 = g.initializer('patch_bias', [16], weights(random, 16, 16));
  const c1 = g.node('Conv', [pixels, w1, b1], 'patches', {
    kernel_shape: attr.ints([4, 4]),
    strides: attr.ints([4, 4]),
  });
  const r1 = g.node('Relu', [c1], 'patches_relu');
  const w2 = g.initializer('mix_weight', [32, 16, 3, 3], weights(random, 32 * 144, 144));
  const b2 = g.initializer('mix_bias', [32], weights(random, 32, 32));
  const c2 = g.node('Conv', [r1, w2, b2], 'mix', {
    kernel_shape: attr.ints([3, 3]),
    strides: attr.ints([2, 2]),
    pads: attr.ints([1, 1, 1, 1]),
  });
  const r2 = g.node('Relu', [c2], 'mix_relu');
  const pooled = g.node('GlobalAveragePool', [r2], 'pooled');
  const flat = g.node('Flatten', [pooled], 'pooled_flat', { axis: attr.int(1) });
  // The mean colour joins the features, so colour differences reach the embedding directly.
  const colour = g.node('Flatten', [g.node('GlobalAveragePool', [pixels], 'mean_colour')], 'mean_colour_flat', {
    axis: attr.int(1),
  });
  const features = g.node('Concat', [flat, colour], 'features', { axis: attr.int(1) });
  const projection = g.initializer(
    'visual_projection',
    [35, CLIP_FIXTURE_DIM],
    weights(random, 35 * CLIP_FIXTURE_DIM, 35),
  );
  const embeds = g.node('MatMul', [features, projection], 'image_embeds');
  g.output(embeds, 'float32', ['batch', CLIP_FIXTURE_DIM]);
  return g.encode({ producer: 'lookalike make-clip-fixture', docString: 'random CLIP-shaped vision tower' });
}

/** input_ids, attention_mask [batch, tokens] → masked mean of token embeddings → text_embeds. */
function textModel(random: () => number, vocabSize: number): Uint8Array {
  const g = new OnnxGraph('clip_fixture_text', 13);
  const ids = g.input('input_ids', 'int64', ['batch', 'tokens']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'tokens']);
  const table = g.initializer(
    'token_embedding',
    [vocabSize, CLIP_FIXTURE_DIM],
    weights(random, vocabSize * CLIP_FIXTURE_DIM, 1),
  );
  const tokens = g.node('Gather', [table, ids], 'tokens', { axis: attr.int(0) });
  const maskFloat = g.node('Cast', [mask], 'mask_float', { to: attr.int(1) });
  const axis2 = g.initializer('axis_2', [1], BigInt64Array.from([2n]));
  const axis1 = g.initializer('axis_1', [1], BigInt64Array.from([1n]));
  const mask3 = g.node('Unsqueeze', [maskFloat, axis2], 'mask_3d');
  const masked = g.node('Mul', [tokens, mask3], 'masked_tokens');
  const summed = g.node('ReduceSum', [masked, axis1], 'token_sum', { keepdims: attr.int(0) });
  const counted = g.node('ReduceSum', [maskFloat, axis1], 'token_count', { keepdims: attr.int(1) });
  const one = g.initializer('one', [1], Float32Array.from([1]));
  const mean = g.node('Div', [summed, g.node('Max', [counted, one], 'token_count_min1')], 'pooled');
  const hidden = g.initializer(
    'text_hidden',
    [CLIP_FIXTURE_DIM, CLIP_FIXTURE_DIM],
    weights(random, CLIP_FIXTURE_DIM * CLIP_FIXTURE_DIM, CLIP_FIXTURE_DIM),
  );
  const h = g.node('Tanh', [g.node('MatMul', [mean, hidden], 'hidden')], 'hidden_tanh');
  const projection = g.initializer(
    'text_projection',
    [CLIP_FIXTURE_DIM, CLIP_FIXTURE_DIM],
    weights(random, CLIP_FIXTURE_DIM * CLIP_FIXTURE_DIM, CLIP_FIXTURE_DIM),
  );
  const embeds = g.node('MatMul', [h, projection], 'text_embeds');
  g.output(embeds, 'float32', ['batch', CLIP_FIXTURE_DIM]);
  return g.encode({ producer: 'lookalike make-clip-fixture', docString: 'random CLIP-shaped text tower' });
}

/** Shopping words the fixtures' tokenizers know whole (other words split into letters). */
export const FIXTURE_WORDS: readonly string[] = [
  ...'a an the and or of for with in on to my photo picture kids kid child children men women'.split(' '),
  ...'dress skirt shirt t tee tshirt longsleeve long sleeve short shorts pants trousers jeans'.split(' '),
  ...'shoes shoe sneakers boots hat cap hoodie polo blazer jacket coat outwear undershirt top'.split(' '),
  ...'blouse body sweater jumper striped floral plain dark light navy gray cream'.split(' '),
  ...COLOUR_FAMILIES,
];

/** A WordPiece vocabulary: the shopping words, plus letters so any word still tokenises. */
function vocabulary(): string[] {
  const words = FIXTURE_WORDS;
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
  return [
    '[PAD]',
    '[UNK]',
    '[CLS]',
    '[SEP]',
    ...new Set([...words, ...letters, ...letters.map((l) => `##${l}`), '##s', '##es', '-']),
  ];
}

function tokenizerJson(vocab: string[]): object {
  const ids = Object.fromEntries(vocab.map((token, id) => [token, id]));
  const special = (token: string) => ({
    id: ids[token],
    content: token,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [ids[t]], tokens: [t] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: ids,
    },
  };
}

/** The Hugging Face side files (JSON), by path in the model folder. */
function hubJson(vocab: string[]): Record<string, object> {
  return {
    'config.json': {
      _comment: 'Generated by scripts/models/make-clip-fixture.ts: random weights, a test fixture.',
      architectures: ['CLIPModel'],
      model_type: 'clip',
      projection_dim: CLIP_FIXTURE_DIM,
      text_config: {
        model_type: 'clip_text_model',
        hidden_size: CLIP_FIXTURE_DIM,
        vocab_size: vocab.length,
        max_position_embeddings: MAX_TOKENS,
        num_hidden_layers: 1,
        num_attention_heads: 1,
        intermediate_size: CLIP_FIXTURE_DIM,
      },
      vision_config: {
        model_type: 'clip_vision_model',
        hidden_size: 32,
        image_size: IMAGE_SIZE,
        patch_size: 4,
        num_channels: 3,
        num_hidden_layers: 1,
        num_attention_heads: 1,
        intermediate_size: 32,
      },
      'transformers.js_config': { dtype: 'fp32' },
    },
    'preprocessor_config.json': centreCropPreprocessor(
      { image_processor_type: 'CLIPImageProcessor', feature_extractor_type: 'CLIPFeatureExtractor' },
      IMAGE_SIZE,
      CLIP_MEAN,
      CLIP_STD,
    ),
    'tokenizer.json': tokenizerJson(vocab),
    'tokenizer_config.json': {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: MAX_TOKENS,
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      clean_up_tokenization_spaces: true,
    },
    'special_tokens_map.json': {
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
    },
  };
}

const recipe: FixtureRecipe = {
  id: CLIP_FIXTURE_ID,
  seed: SEED,
  sources: [import.meta.filename],
  make(random) {
    const vocab = vocabulary();
    return {
      contents: {
        ...hubJson(vocab),
        'onnx/vision_model.onnx': visionModel(random),
        'onnx/text_model.onnx': textModel(random, vocab.length),
      },
      spec: fixtureSpec({
        id: CLIP_FIXTURE_ID,
        name: 'CLIP test fixture (random)',
        family: 'clip',
        file: 'onnx/vision_model.onnx',
        input: { size: IMAGE_SIZE, resize: 'center-crop', mean: CLIP_MEAN, std: CLIP_STD },
        output: { name: 'image_embeds', dim: CLIP_FIXTURE_DIM, normalized: false },
        towers: { image: true, text: true },
        provenance: [
          `scripts/models/make-clip-fixture.ts, seed ${SEED}`,
          'CLIP-shaped: pixel_values -> image_embeds, input_ids + attention_mask -> text_embeds',
        ],
      }),
    };
  },
};

/**
 * Writes the fixture into `<dir>/clip-fixture/` unless it is already there and intact (or
 * `force`); returns its spec and whether it was (re)built.
 */
export function buildClipFixture(options: { dir?: string; force?: boolean } = {}) {
  return buildFixture(recipe, options);
}
