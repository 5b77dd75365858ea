/**
 * `npx tsx scripts/models/make-fixtures.ts [--force]` (part of `npm run models`): writes the tiny
 * random test models `models/{clip,siglip,dinov2}-fixture/` in the Hugging Face layout, so every
 * transformers.js family runs offline; each is skipped while intact and current.
 */
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { fixtureModelsDir } from './fixture-model.ts';
import { buildClipFixture } from './make-clip-fixture.ts';
import { buildDinov2Fixture } from './make-dinov2-fixture.ts';
import { buildSiglipFixture } from './make-siglip-fixture.ts';

type Build = (options: { force?: boolean }) => { spec: ModelSpec; built: boolean };

const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });
for (const build of [buildClipFixture, buildSiglipFixture, buildDinov2Fixture] as Build[]) {
  const { spec, built } = build({ force: values.force });
  const size = (spec.files ?? []).reduce((sum, f) => sum + f.bytes, 0);
  const where = relative(process.cwd(), join(fixtureModelsDir, spec.id)) || '.';
  console.log(
    built
      ? `${spec.id}: built ${where} (${(size / 1024).toFixed(0)} KB in ${spec.files?.length} files, dim ${spec.output.dim})`
      : `${spec.id}: up to date, skipped (--force rebuilds)`,
  );
}
