/**
 * `npm run search -- --catalog DIR [--model ID] [--k 10] [--json] IMAGE...` or `... --text "red
 * dress"`: searches a built catalog exactly as the app does (same preprocessing, model, int8
 * shards and kernel; a text query on an image-only model uses the same keyword fallback).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { instanceQueryFor } from '../src/shared/search/instance-first.ts';
import { labelRerankerFor, searchWithLabels } from '../src/shared/search/label-rerank.ts';
import { loadCatalog } from './lib/load-catalog.ts';
import { decodeImageNode, loadNodeModel } from './lib/node-model.ts';
import { searchTextNode } from './lib/text-search-node.ts';

const root = resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    catalog: { type: 'string', default: resolve(root, 'public/catalog') },
    model: { type: 'string' },
    k: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    text: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`search: ${message}`);
  process.exit(2);
}

const k = Number(values.k);
if (!Number.isInteger(k) || k < 1 || k > 100) fail('--k takes a whole number from 1 to 100');
if (!positionals.length && values.text === undefined) {
  fail('give one or more image paths, or --text "words", to search with');
}

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
const reranker = labelRerankerFor(catalog.items);
// The catalog's copy of the spec, as the app reads it.
const spec = entry.spec;

type Row = { id: string; score: number } & Record<string, unknown>;
const rowsOf = (indices: Int32Array, scores: Float32Array): Row[] =>
  Array.from(indices, (i, rank) => ({
    id: catalog.items.ids[i],
    score: Number(scores[rank].toFixed(6)),
    ...Object.fromEntries(fields.map((f) => [f, catalog.items.fields[f][i]])),
  }));
const printRows = (title: string, results: Row[]) => {
  console.log(title);
  results.forEach((r, rank) =>
    console.log(
      `  ${String(rank + 1).padStart(3)}. ${r.score.toFixed(4)}  ${r.id}  ${fields.map((f) => r[f]).join(' · ')}`,
    ),
  );
};

if (values.text !== undefined) {
  const text = values.text;
  const found = await searchTextNode(catalog, model, text, k);
  const results = rowsOf(found.indices, found.scores);
  const { filters, leftover } = found.keywords ?? { filters: {}, leftover: [] };
  if (values.json) console.log(JSON.stringify({ text, results, filters, leftover }));
  else {
    if (found.keywords) {
      const applied = Object.entries(filters).map(([f, v]) => `${f}=${v.join('|')}`);
      console.log(
        `keywords: ${applied.join(', ') || 'none'}; ignored: ${leftover.join(' ') || 'none'}`,
      );
    }
    printRows(text, results);
  }
} else {
  process.exitCode = (await searchImages(positionals)) === positionals.length ? 1 : 0;
}
await model.dispose();

/** Searches with each photo in turn; returns how many failed. */
async function searchImages(images: string[]): Promise<number> {
  let failures = 0;
  for (const image of images) {
    try {
      const decoded = await decodeImageNode(resolve(image));
      const vector = await model.embedImages([decoded]);
      const { indices, scores } = searchWithLabels(
        reranker,
        k,
        (depth) => index.search(vector, depth),
        instanceQueryFor(spec, vector, index),
      );
      const results = rowsOf(indices, scores);
      if (values.json) console.log(JSON.stringify({ image, results }));
      else printRows(image, results);
    } catch (error) {
      failures++;
      const message = (error as Error).message;
      if (values.json) console.log(JSON.stringify({ image, error: message }));
      else console.error(`${image}: ${message}`);
    }
  }
  return failures;
}
