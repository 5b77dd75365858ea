/**
 * The SigLIP fixture (built by `npm run models`): `models/siglip-fixture/`, a tiny model laid out
 * and wired like the hub's SigLIP exports (Marqo/marqo-fashionSigLIP, Xenova/siglip-*): a
 * SentencePiece-style Unigram tokenizer padded to a fixed length, `onnx/vision_model.onnx`
 * (pixel_values → last_hidden_state, attention-pooled pooler_output) and `onnx/text_model.onnx`
 * (input_ids only, no attention mask → last_hidden_state, pooler_output read at the last
 * position), with seeded random weights.
 */
import { resolve } from 'node:path';
import { FIXTURE_WORDS } from './make-clip-fixture.ts';
import { buildFixture, fixtureSpec, type FixtureRecipe, weights } from './fixture-model.ts';
import { attr, OnnxGraph } from '../lib/onnx-graph.ts';

export const SIGLIP_FIXTURE_ID = 'siglip-fixture';
/** Width of both towers, which is also the embedding (SigLIP has no projection layer). */
export const SIGLIP_FIXTURE_DIM = 48;
const IMAGE_SIZE = 32;
const PATCH = 4;
const PATCHES = (IMAGE_SIZE / PATCH) ** 2;
/** Texts are padded to this length, as SigLIP pads to 64. */
export const SIGLIP_FIXTURE_MAX_TOKENS = 16;
const SEED = 20241123;
const D = SIGLIP_FIXTURE_DIM;

function visionModel(random: () => number): Uint8Array {
  const g = new OnnxGraph('siglip_fixture_vision', 13);
  const pixels = g.input('pixel_values', 'float32', ['batch', 3, IMAGE_SIZE, IMAGE_SIZE]);
  const patchWeight = g.initializer('patch_weight', [D, 3, PATCH, PATCH], weights(random, D * 48, 48));
  const patchBias = g.initializer('patch_bias', [D], weights(random, D, D));
  const patches = g.node('Conv', [pixels, patchWeight, patchBias], 'patch_embeds', {
    kernel_shape: attr.ints([PATCH, PATCH]),
    strides: attr.ints([PATCH, PATCH]),
  });
  // [batch, D, 8, 8] → [batch, 64, D], plus learned positions.
  const flatShape = g.initializer('flat_shape', [3], BigInt64Array.from([0n, BigInt(D), -1n]));
  const flat = g.node('Reshape', [patches, flatShape], 'patch_flat');
  const tokens = g.node('Transpose', [flat], 'tokens', { perm: attr.ints([0, 2, 1]) });
  const positions = g.initializer('position_embedding', [PATCHES, D], weights(random, PATCHES * D, 1));
  const hidden = g.node('Tanh', [g.node('Add', [tokens, positions], 'tokens_pos')], 'last_hidden_state');
  // Multi-head attention pooling, reduced to one head: softmax(tokens · probe) weighs the tokens.
  const probe = g.initializer('head_probe', [D, 1], weights(random, D, D));
  const scores = g.node('MatMul', [hidden, probe], 'probe_scores');
  const attention = g.node('Softmax', [scores], 'probe_weights', { axis: attr.int(1) });
  const weighted = g.node('Mul', [hidden, attention], 'weighted_tokens');
  const axis1 = g.initializer('axis_1', [1], BigInt64Array.from([1n]));
  const pooled = g.node('ReduceSum', [weighted, axis1], 'pooled', { keepdims: attr.int(0) });
  // The mean colour joins the pooled features, so colour differences reach the embedding.
  const colour = g.node('Flatten', [g.node('GlobalAveragePool', [pixels], 'mean_colour')], 'mean_colour_flat', {
    axis: attr.int(1),
  });
  const headWeight = g.initializer('head_weight', [D, D], weights(random, D * D, D));
  const colourWeight = g.initializer('head_colour_weight', [3, D], weights(random, 3 * D, 3));
  const head = g.node(
    'Add',
    [g.node('MatMul', [pooled, headWeight], 'head_pooled'), g.node('MatMul', [colour, colourWeight], 'head_colour')],
    'pooler_output',
  );
  g.output(hidden, 'float32', ['batch', PATCHES, D]);
  g.output(head, 'float32', ['batch', D]);
  return g.encode({ producer: 'lookalike make-siglip-fixture', docString: 'random SigLIP-shaped vision tower' });
}

function textModel(random: () => number, vocabSize: number): Uint8Array {
  const g = new OnnxGraph('siglip_fixture_text', 13);
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const table = g.initializer('token_embedding', [vocabSize, D], weights(random, vocabSize * D, 1));
  const tokens = g.node('Gather', [table, ids], 'tokens', { axis: attr.int(0) });
  // Learned positions for the first `sequence` places.
  const positionTable = g.initializer(
    'position_embedding',
    [SIGLIP_FIXTURE_MAX_TOKENS, D],
    weights(random, SIGLIP_FIXTURE_MAX_TOKENS * D, 1),
  );
  const one = g.initializer('one', [1], BigInt64Array.from([1n]));
  const two = g.initializer('two', [1], BigInt64Array.from([2n]));
  const zero = g.initializer('zero', [1], BigInt64Array.from([0n]));
  const length = g.node('Slice', [g.node('Shape', [ids], 'ids_shape'), one, two], 'sequence_length');
  const positions = g.node('Slice', [positionTable, zero, length, zero], 'positions');
  const placed = g.node('Add', [tokens, positions], 'tokens_pos');
  // One global mixing step (no mask, like SigLIP): each place sees the mean of all places, so
  // the last place (a pad token after max_length padding) carries the whole text.
  const mean = g.node('ReduceMean', [placed], 'context', { axes: attr.ints([1]), keepdims: attr.int(1) });
  const mix = g.initializer('mix_weight', [D, D], weights(random, D * D, D));
  const hidden = g.node(
    'Tanh',
    [g.node('Add', [placed, g.node('MatMul', [mean, mix], 'context_mixed')], 'mixed')],
    'last_hidden_state',
  );
  const lastIndex = g.initializer('last_index', [], BigInt64Array.from([-1n]));
  const last = g.node('Gather', [hidden, lastIndex], 'last_token', { axis: attr.int(1) });
  const headWeight = g.initializer('head_weight', [D, D], weights(random, D * D, D));
  const headBias = g.initializer('head_bias', [D], weights(random, D, D));
  const head = g.node('Add', [g.node('MatMul', [last, headWeight], 'head_matmul'), headBias], 'pooler_output');
  g.output(hidden, 'float32', ['batch', 'sequence', D]);
  g.output(head, 'float32', ['batch', D]);
  return g.encode({ producer: 'lookalike make-siglip-fixture', docString: 'random SigLIP-shaped text tower' });
}

const PAD = '<pad>';
const EOS = '</s>';
const UNK = '<unk>';

/** A Unigram vocabulary (piece, log-probability): whole words first, letters as a fallback. */
function vocabulary(): [string, number][] {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789-'.split('');
  const pieces = new Map<string, number>();
  for (const word of FIXTURE_WORDS) pieces.set(`▁${word}`, -2 - word.length / 100);
  pieces.set('▁', -4);
  for (const letter of letters) pieces.set(letter, -6);
  return [[PAD, 0], [EOS, 0], [UNK, 0], ...pieces];
}

function tokenizerJson(vocab: [string, number][]): object {
  const special = (content: string, id: number) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(PAD, 0), special(EOS, 1), special(UNK, 2)],
    // SigLIP's text preprocessing lowercases (big_vision's canonicalisation).
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: EOS, type_id: 0 } }],
      pair: [
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: EOS, type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: EOS, type_id: 0 } },
      ],
      special_tokens: { [EOS]: { id: EOS, ids: [1], tokens: [EOS] } },
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: 2, vocab, byte_fallback: false },
  };
}

function hubJson(vocab: [string, number][]): Record<string, object> {
  return {
    'config.json': {
      _comment: 'Generated by scripts/models/make-siglip-fixture.ts: random weights, a test fixture.',
      architectures: ['SiglipModel'],
      model_type: 'siglip',
      text_config: {
        model_type: 'siglip_text_model',
        hidden_size: D,
        vocab_size: vocab.length,
        max_position_embeddings: SIGLIP_FIXTURE_MAX_TOKENS,
        num_hidden_layers: 1,
        num_attention_heads: 1,
        intermediate_size: D,
      },
      vision_config: {
        model_type: 'siglip_vision_model',
        hidden_size: D,
        image_size: IMAGE_SIZE,
        patch_size: PATCH,
        num_channels: 3,
        num_hidden_layers: 1,
        num_attention_heads: 1,
        intermediate_size: D,
      },
      'transformers.js_config': { dtype: 'fp32' },
    },
    // As the SigLIP checkpoints ship it: a plain resize to the square (no crop), mean/std 0.5.
    'preprocessor_config.json': {
      image_processor_type: 'SiglipImageProcessor',
      processor_class: 'SiglipProcessor',
      do_resize: true,
      size: { height: IMAGE_SIZE, width: IMAGE_SIZE },
      resample: 3,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
    },
    'tokenizer.json': tokenizerJson(vocab),
    'tokenizer_config.json': {
      tokenizer_class: 'SiglipTokenizer',
      model_max_length: SIGLIP_FIXTURE_MAX_TOKENS,
      do_lower_case: true,
      pad_token: EOS,
      eos_token: EOS,
      unk_token: UNK,
      clean_up_tokenization_spaces: true,
    },
    'special_tokens_map.json': { pad_token: EOS, eos_token: EOS, unk_token: UNK },
  };
}

const recipe: FixtureRecipe = {
  id: SIGLIP_FIXTURE_ID,
  seed: SEED,
  sources: [import.meta.filename, resolve(import.meta.dirname, 'make-clip-fixture.ts')],
  make(random) {
    const vocab = vocabulary();
    return {
      contents: {
        ...hubJson(vocab),
        'onnx/vision_model.onnx': visionModel(random),
        'onnx/text_model.onnx': textModel(random, vocab.length),
      },
      spec: fixtureSpec({
        id: SIGLIP_FIXTURE_ID,
        name: 'SigLIP test fixture (random)',
        family: 'siglip',
        file: 'onnx/vision_model.onnx',
        input: { size: IMAGE_SIZE, resize: 'squash', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
        output: { name: 'pooler_output', dim: D, normalized: false },
        towers: { image: true, text: true },
        provenance: [
          `scripts/models/make-siglip-fixture.ts, seed ${SEED}`,
          'SigLIP-shaped: pixel_values -> pooler_output, input_ids (padded to max_length) -> pooler_output',
        ],
      }),
    };
  },
};

export function buildSiglipFixture(options: { dir?: string; force?: boolean } = {}) {
  return buildFixture(recipe, options);
}
