/**
 * `npm run search -- --catalog DIR [--model ID] [--k 10] [--json] IMAGE...`: searches a built
 * catalog exactly as the app does (same preprocessing, model, int8 shards and kernel).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog } from './lib/load-catalog.ts';
import { decodeImageNode, loadNodeModel } from './lib/node-model.ts';

const root = resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    catalog: { type: 'string', default: resolve(root, 'public/catalog') },
    model: { type: 'string' },
    k: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`search: ${message}`);
  process.exit(2);
}

const k = Number(values.k);
if (!Number.isInteger(k) || k < 1 || k > 100) fail('--k takes a whole number from 1 to 100');
if (!positionals.length) fail('give one or more image paths to search with');

let catalog;
try {
  catalog = await loadCatalog(resolve(values.catalog));
} catch (error) {
  fail(`cannot load the catalog at ${values.catalog}: ${(error as Error).message}`);
}
const entry = values.model
  ? catalog.manifest.models.find((m) => m.spec.id === values.model)
  : catalog.manifest.models[0];
if (!entry)
  fail(
    `the catalog has no model ${values.model}; it has ${catalog.manifest.models.map((m) => m.spec.id).join(', ')}`,
  );
const model = await loadNodeModel(entry.spec.id);
if (model.spec.sha256 !== entry.spec.sha256) {
  fail(
    `models/${entry.spec.id} differs from the model the catalog was built with: rebuild it (npm run catalog)`,
  );
}
const index = catalog.indexes.get(entry.spec.id)!;
const fields = Object.keys(catalog.items.fields);

let failures = 0;
for (const image of positionals) {
  try {
    const decoded = await decodeImageNode(resolve(image));
    const vector = await model.embedImages([decoded]);
    const { indices, scores } = index.search(vector, k);
    const results = Array.from(indices, (i, rank) => ({
      id: catalog.items.ids[i],
      score: Number(scores[rank].toFixed(6)),
      ...Object.fromEntries(fields.map((f) => [f, catalog.items.fields[f][i]])),
    }));
    if (values.json) console.log(JSON.stringify({ image, results }));
    else {
      console.log(image);
      results.forEach((r, rank) =>
        console.log(
          `  ${String(rank + 1).padStart(3)}. ${r.score.toFixed(4)}  ${r.id}  ${fields.map((f) => (r as Record<string, unknown>)[f]).join(' · ')}`,
        ),
      );
    }
  } catch (error) {
    failures++;
    const message = (error as Error).message;
    if (values.json) console.log(JSON.stringify({ image, error: message }));
    else console.error(`${image}: ${message}`);
  }
}
process.exitCode = failures === positionals.length ? 1 : 0;
