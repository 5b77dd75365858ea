/**
 * `npm run models`: builds every model in `models/` that is missing or whose sources changed
 * (spec.sourceHash); `--force` rebuilds all. A spec whose declared fields changed while the model
 * file did not (e.g. output.instance) is rewritten alone. Prints what it did.
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
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { withInstancePart } from './instance-part.ts';
import {
  modelsDir,
  readModelSpec,
  withGzipCopy,
  writeModel,
  writeModelSpec,
} from './write-model.ts';
import { FASHION_HEAD_FILE } from '../lib/head-file.ts';
import {
  committedInceptionWhitening,
  convertInception,
  DEFAULT_INCEPTION_OPTIONS,
  INCEPTION_ID,
  inceptionSourceHash,
} from './inception-model.ts';
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
  /** Fields the spec declares beyond what the exporter writes (default: none). */
  describe?: (spec: ModelSpec) => ModelSpec;
}

const recipes: ModelRecipe[] = [
  {
    id: MOBILENET_ID,
    sourceHash: () => mobilenetSourceHash(DEFAULT_MOBILENET_OPTIONS),
    build: () => convertMobilenet(DEFAULT_MOBILENET_OPTIONS),
  },
  // Opt-in, not in the demo catalog: a larger backbone that finds the photographed item more
  // often, at about 15x the multiply-adds (docs/training.md, "InceptionV3").
  {
    id: INCEPTION_ID,
    sourceHash: () => inceptionSourceHash(DEFAULT_INCEPTION_OPTIONS, committedInceptionWhitening()),
    build: () => convertInception(DEFAULT_INCEPTION_OPTIONS, undefined, committedInceptionWhitening()),
    describe: (spec: ModelSpec) => withInstancePart(spec, committedInceptionWhitening()),
  },
  // The same backbone plus the triplet-trained head (weights committed in models/heads/,
  // made by `npm run train`; see docs/training.md) and, when committed, its learned whitening.
  ...(existsSync(FASHION_HEAD_FILE)
    ? [
        {
          id: FASHION_ID,
          sourceHash: () => fashionSourceHash(undefined, undefined, committedWhitening()),
          build: () => convertFashion(undefined, undefined, undefined, committedWhitening()),
          describe: (spec: ModelSpec) => withInstancePart(spec, committedWhitening()),
        },
      ]
    : []),
];

/** The spec of models/<id> when it holds a model built from the current sources, intact; else null. */
function upToDate(id: string, sourceHash: string): ModelSpec | null {
  const spec = readModelSpec(id);
  if (!spec || spec.sourceHash !== sourceHash) return null;
  const file = join(modelsDir, id, spec.file);
  if (!existsSync(file)) return null;
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  return sha === spec.sha256 ? spec : null;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });

for (const recipe of recipes) {
  const built = values.force ? null : upToDate(recipe.id, recipe.sourceHash());
  if (built) {
    const described = withGzipCopy(recipe.describe?.(built) ?? built);
    if (sameJson(described, built)) {
      console.log(`${recipe.id}: up to date, skipped (--force rebuilds)`);
    } else {
      writeModelSpec(described);
      console.log(
        `${recipe.id}: model file up to date, spec rewritten (declared fields or gzip copy changed)`,
      );
    }
    continue;
  }
  const started = performance.now();
  const made = recipe.build();
  const { onnx } = made;
  const spec = recipe.describe?.(made.spec) ?? made.spec;
  const folder = writeModel(spec, onnx);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${recipe.id}: built ${relative(process.cwd(), join(folder, spec.file))} ` +
      `(${(spec.bytes / 1e6).toFixed(2)} MB, dim ${spec.output.dim}, ${seconds} s)`,
  );
}
