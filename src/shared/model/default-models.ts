/**
 * The model the app ships with, and the demo catalog's models. The default is the triplet-trained
 * fashion head because `npm run eval` says it is better (docs/eval/results.md); the raw backbone
 * rides along in the demo so the Compare view shows what the head adds.
 */
export const DEFAULT_MODEL_ID = 'mobilenet-v2-fashion';

/** The demo catalog's models, the app's default first (the app starts on the manifest's first). */
export const DEMO_MODEL_IDS = [DEFAULT_MODEL_ID, 'mobilenet-v2'] as const;
