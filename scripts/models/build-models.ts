/**
 * `npm run models`: builds every model in `models/` that is missing or whose sources changed
 * (spec.sourceHash); `--force` rebuilds all. Prints what it did.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  convertMobilenet,
  DEFAULT_MOBILENET_OPTIONS,
  MOBILENET_ID,
  mobilenetSourceHash,
} from '../lib/mobilenet-model.ts';
import { modelsDir, readModelSpec, writeModel } from './write-model.ts';
import { FASHION_HEAD_FILE } from '../lib/head-file.ts';
import {
  committedWhitening,
  convertFashion,
  FASHION_ID,
  fashionSourceHash,
} from './fashion-model.ts';

interface ModelRecipe {
  id: string;
  sourceHash: () => string;
  build: () => ReturnType<typeof convertMobilenet>;
}

const recipes: ModelRecipe[] = [
  {
    id: MOBILENET_ID,
    sourceHash: () => mobilenetSourceHash(DEFAULT_MOBILENET_OPTIONS),
    build: () => convertMobilenet(DEFAULT_MOBILENET_OPTIONS),
  },
  // The same backbone plus the triplet-trained head (weights committed in models/heads/,
  // made by `npm run train`; see docs/training.md) and, when committed, its learned whitening.
  ...(existsSync(FASHION_HEAD_FILE)
    ? [
        {
          id: FASHION_ID,
          sourceHash: () => fashionSourceHash(undefined, undefined, committedWhitening()),
          build: () => convertFashion(undefined, undefined, undefined, committedWhitening()),
        },
      ]
    : []),
];

/** True when models/<id> holds a model built from the current sources, intact. */
function upToDate(id: string, sourceHash: string): boolean {
  const spec = readModelSpec(id);
  if (!spec || spec.sourceHash !== sourceHash) return false;
  const file = join(modelsDir, id, spec.file);
  if (!existsSync(file)) return false;
  return createHash('sha256').update(readFileSync(file)).digest('hex') === spec.sha256;
}

const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });

for (const recipe of recipes) {
  if (!values.force && upToDate(recipe.id, recipe.sourceHash())) {
    console.log(`${recipe.id}: up to date, skipped (--force rebuilds)`);
    continue;
  }
  const started = performance.now();
  const { spec, onnx } = recipe.build();
  const folder = writeModel(spec, onnx);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${recipe.id}: built ${relative(process.cwd(), join(folder, spec.file))} ` +
      `(${(spec.bytes / 1e6).toFixed(2)} MB, dim ${spec.output.dim}, ${seconds} s)`,
  );
}
