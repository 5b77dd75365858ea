/**
 * `npm run catalog -- --images DIR [--meta FILE] [--model ID[,ID]] [--out DIR] [--force]
 * [--views full,centre-80]`:
 * embeds a folder of product photos into checksummed int8 shards, a manifest and thumbnails.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEMO_MODEL_IDS } from '../../src/shared/model/default-models.ts';
import { CATALOG_VIEWS, parseViews } from '../lib/catalog-views.ts';
import { buildCatalog } from './pipeline.ts';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared/datasets/clothing');

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: resolve(shared, 'images') },
    meta: { type: 'string' },
    model: { type: 'string', default: DEMO_MODEL_IDS.join(',') },
    out: { type: 'string', default: resolve(root, 'public/catalog') },
    cache: { type: 'string', default: resolve(root, '.cache') },
    'shard-mb': { type: 'string', default: '4' },
    force: { type: 'boolean', default: false },
    views: { type: 'string', default: CATALOG_VIEWS.join(',') },
  },
});

const images = resolve(values.images);
const defaultMeta = resolve(images, '../images.csv');
const meta = values.meta ?? (images === resolve(shared, 'images') ? defaultMeta : undefined);

try {
  const report = await buildCatalog({
    images,
    meta: meta ? resolve(meta) : undefined,
    models: values.model.split(',').map((m) => m.trim()),
    out: resolve(values.out),
    cache: resolve(values.cache),
    shardBytes: Number(values['shard-mb']) * 1024 * 1024,
    force: values.force,
    views: parseViews(values.views),
    log: (line) => console.log(line),
  });
  if (!report.count) process.exitCode = 1;
} catch (error) {
  console.error(`catalog: ${(error as Error).message}`);
  process.exit(1);
}
