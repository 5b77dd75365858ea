/** Which of the catalog's models the Compare view can set side by side, and the pair shown. */
import type { ModelInfo } from '../engine/engine-types.ts';

/** The two models of a comparison, left then right. */
export type ModelPair = readonly [string, string];

/** Models that can embed a photo (a text-only model has nothing to compare on a photo). */
export function comparableModels(models: readonly ModelInfo[]): ModelInfo[] {
  return models.filter((model) => model.towers.image);
}

/**
 * The pair to show: the chosen one while both of its models are still in the catalog and differ,
 * else the first two comparable models; null when there are fewer than two.
 */
export function resolvePair(
  chosen: ModelPair | null,
  models: readonly ModelInfo[],
): ModelPair | null {
  const ids = comparableModels(models).map((model) => model.id);
  if (ids.length < 2) return null;
  if (chosen && chosen[0] !== chosen[1] && ids.includes(chosen[0]) && ids.includes(chosen[1])) {
    return chosen;
  }
  return [ids[0], ids[1]];
}

/** `pair` with one side set to `id`; picking the other side's model swaps the two. */
export function withModel(pair: ModelPair, side: 0 | 1, id: string): ModelPair {
  const other = pair[1 - side];
  if (id === other) return side === 0 ? [id, pair[0]] : [pair[1], id];
  return side === 0 ? [id, other] : [other, id];
}
