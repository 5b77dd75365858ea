import { readdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DEMO_MODEL_IDS } from '../../src/shared/model/default-models.ts';
import { decodeImageNode } from '../lib/decode-node.ts';
import { loadCatalog } from '../lib/load-catalog.ts';
import { buildCatalog } from './pipeline.ts';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared/datasets/clothing');

// The whole shared set with the demo models, through the project's own cache (so `npm start`
// and e2e reuse it).
it(
  'holds every decodable photo of the shared set, and its checksums verify',
  { timeout: 1_200_000 },
  async () => {
    const out = mkdtempSync(join(tmpdir(), 'catalog-shared-'));
    const report = await buildCatalog({
      images: join(shared, 'images'),
      meta: join(shared, 'images.csv'),
      models: [...DEMO_MODEL_IDS],
      out,
      cache: join(root, '.cache'),
      shardBytes: 4 * 1024 * 1024,
      log: (line) => console.log(line),
    });
    const files = readdirSync(join(shared, 'images')).filter((f) => /\.(jpe?g|png|webp)$/i.test(f));
    expect(report.count + report.skipped.length).toBe(files.length);
    for (const { path } of report.skipped) await expect(decodeImageNode(path)).rejects.toThrow();
    for (const id of DEMO_MODEL_IDS) expect(report.recallAt10[id]).toBeGreaterThanOrEqual(0.99);

    const catalog = await loadCatalog(out);
    expect(catalog.manifest.count).toBe(report.count);
    expect(catalog.items.ids).toHaveLength(report.count);
    for (const id of DEMO_MODEL_IDS) expect(catalog.indexes.get(id)!.count).toBe(report.count);
    expect(new Set(catalog.items.fields.label).has('Dress')).toBe(true);
  },
);
