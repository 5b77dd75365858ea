import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeChance } from '../../src/shared/metrics/summary.ts';
import { loadLabelledPhotos } from '../lib/dataset.ts';
import { colourHistogramEmbedder } from './embedders.ts';
import { evaluateModel } from './evaluate-model.ts';
import { LABEL_RERANK, type LabelRerankOptions } from '../../src/shared/search/label-rerank.ts';
import { instanceSet } from '../lib/instance-queries.ts';
import { splitPhotos } from '../lib/split.ts';
import { demoDataset } from '../lib/cli.ts';
import { photoColours } from './photo-colours.ts';

const photos = loadLabelledPhotos(demoDataset).slice(0, 600);
const split = splitPhotos(photos, { mode: 'photographer', queryFraction: 0.2, seed: 3 });
const cache = mkdtempSync(join(tmpdir(), 'eval-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('evaluateModel with the colour-histogram baseline on real photos', () => {
  const run = async (rerank: LabelRerankOptions | null = LABEL_RERANK) =>
    evaluateModel(
      colourHistogramEmbedder(),
      {
        catalog: split.catalog,
        queries: split.queries,
        instance: instanceSet(split.catalog, 24, 3),
        colours: {
          catalog: await photoColours(
            split.catalog.map((p) => p.path),
            cache,
          ),
          queries: await photoColours(
            split.queries.map((p) => p.path),
            cache,
          ),
        },
      },
      { cache },
      rerank,
    );

  it('gives identical results twice (the second run from the cache)', async () => {
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first.queries).toBe(split.queries.length);
    expect(first.instance_queries).toBe(24);
  });

  it('beats the chance level and finds more originals in the top 5 than at rank 1', async () => {
    const result = await run();
    const counts = new Map<string, number>();
    for (const p of split.catalog) counts.set(p.label, (counts.get(p.label) ?? 0) + 1);
    const chance = summarizeChance(
      split.queries.map((q) => ({ label: q.label, totalRelevant: counts.get(q.label) ?? 0 })),
      split.catalog.length,
    );
    expect(result.p_at_10).toBeGreaterThan(chance.p_at_10);
    expect(result.instance_recall_at_5).toBeGreaterThanOrEqual(result.instance_recall_at_1);
    // Looking alike asks for the label and the colour: never more than the label alone, and a
    // colour histogram finds some of it.
    expect(result.looks_alike_p_at_5).toBeLessThanOrEqual(result.p_at_5);
    expect(result.looks_alike_p_at_5).toBeGreaterThan(0);
    const kinds = result.instance_by_kind;
    expect(kinds.crop.queries).toBe(24);
    expect(kinds.crop.recall_at_1).toBe(result.instance_recall_at_1);
    // Colour alone still finds some exact products among ~500 photos.
    expect(result.instance_recall_at_5).toBeGreaterThan(5 / split.catalog.length);
  });

  it('ranks by the index alone without re-ranking, as a re-ranking of weight 0 does', async () => {
    const off = await run(null);
    expect(await run({ ...LABEL_RERANK, weight: 0 })).toEqual(off);
    // The vote does move results on this set, so the two paths are not the same by accident.
    expect((await run({ ...LABEL_RERANK, weight: 0.1 })).map_at_10).not.toBe(off.map_at_10);
  });
});
