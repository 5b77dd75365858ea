/**
 * Two (or more) models side by side in one run: embed p50/p95 in the embed suite's dedicated
 * browser worker (1 and 2 threads) and on onnxruntime-node, and the cosine of every model's
 * browser embedding to its Node one and to the first model's, on the same preprocessed tensors:
 * `npx tsx scripts/bench/model-parity.ts --models mobilenet-v2-fashion,mobilenet-v2-fashion-int8
 * [--photos 32] [--runs 60] [--profile]`. --profile prints onnxruntime-web's per-op share.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createOnnxEmbedder } from '../../src/shared/model/onnx-embedder.ts';
import type { ModelSpec } from '../../src/shared/model/spec.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';
import { parseCli } from '../lib/cli.ts';
import { decodeImageNode } from '../lib/decode-node.ts';
import { modelsDir, photosDir, samplePhotos } from './paths.ts';
import { median, p95, round } from './stats.ts';
import { openEmbedPage, runEmbed } from './suites/embed-dedicated.ts';
import { opProfile } from './op-profile.ts';

const args = parseCli('model-parity', {
  models: { type: 'string', default: 'mobilenet-v2-fashion,mobilenet-v2-fashion-int8' },
  photos: { type: 'string', default: '32' },
  runs: { type: 'string', default: '60' },
  profile: { type: 'boolean', default: false },
});
const ids = args.models.split(',');
const runs = Number(args.runs);
const specs = ids.map(
  (id) => JSON.parse(readFileSync(join(modelsDir, id, 'model.json'), 'utf8')) as ModelSpec,
);
const input = specs[0].input;
if (specs.some((s) => JSON.stringify(s.input) !== JSON.stringify(input))) {
  throw new Error('the models must share their input spec');
}

// One set of tensors from Node's decoder for both runtimes.
const photos = samplePhotos(Number(args.photos));
const preprocessor = new ImagePreprocessor(input);
const all = createTensorBuffer(input, photos.length);
for (const [i, name] of photos.entries()) {
  preprocessor.toTensor(await decodeImageNode(join(photosDir, name)), all, i);
}
const tensorsFile = join(tmpdir(), `lookalike-parity-${process.pid}.bin`);
writeFileSync(tensorsFile, all);
const tensor = (i: number) =>
  all.subarray(i * preprocessor.imageLength, (i + 1) * preprocessor.imageLength);

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i];
  return d;
};
const summary = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `median ${sorted[sorted.length >> 1].toFixed(5)}, min ${sorted[0].toFixed(5)}`;
};

console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const session = await openEmbedPage({ '/tensors.bin': tensorsFile });
console.log(
  `browser: ${session.version}; ${photos.length} photos, ${runs} timed runs after 10 warm-up`,
);
const profileLines: string[] = [];
session.page.on('console', (message) => profileLines.push(message.text()));
const browser = new Map<string, number[][]>();
try {
  for (const threads of [2, 1]) {
    for (const id of ids) {
      profileLines.length = 0;
      const r = await runEmbed(session, id, [], {
        threads,
        warmup: 10,
        runs,
        tensorsUrl: '/tensors.bin',
        embeddings: threads === 2,
        profile: args.profile && threads === 1,
      });
      if (r.embeddings) browser.set(id, r.embeddings);
      console.log(
        `browser ${id}, ${r.ortThreads} thread(s): p50 ${round(median(r.times))} ms, p95 ${round(p95(r.times))} ms`,
      );
      if (args.profile && threads === 1) {
        // Console events trail the run: let them all arrive before reading them.
        await new Promise((done) => setTimeout(done, 1000));
        console.log(
          opProfile(profileLines.splice(0), runs)
            .map((l) => `  ${l}`)
            .join('\n'),
        );
      }
    }
  }
} finally {
  await session.close();
  unlinkSync(tensorsFile);
}

const node = new Map<string, Float32Array[]>();
for (const threads of [2, 1]) {
  for (const [m, id] of ids.entries()) {
    const bytes = readFileSync(join(modelsDir, id, specs[m].file));
    const embedder = await createOnnxEmbedder(ort, bytes, specs[m], { threads });
    for (let w = 0; w < 10; w++) await embedder.embed(tensor(w % photos.length), 1);
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      await embedder.embed(tensor(r % photos.length), 1);
      times.push(performance.now() - t0);
    }
    if (threads === 2) {
      node.set(
        id,
        await Promise.all(photos.map(async (_, i) => (await embedder.embed(tensor(i), 1)).slice())),
      );
    }
    await embedder.dispose();
    console.log(
      `node ${id}, ${threads} thread(s): p50 ${round(median(times))} ms, p95 ${round(p95(times))} ms`,
    );
  }
}

for (const id of ids) {
  const b = browser.get(id)!;
  const n = node.get(id)!;
  console.log(`cosine browser vs node, ${id}: ${summary(b.map((v, i) => cosine(v, n[i])))}`);
  if (id === ids[0]) continue;
  const n0 = node.get(ids[0])!;
  const b0 = browser.get(ids[0])!;
  console.log(`cosine ${id} vs ${ids[0]}, node: ${summary(n.map((v, i) => cosine(v, n0[i])))}`);
  console.log(`cosine ${id} vs ${ids[0]}, browser: ${summary(b.map((v, i) => cosine(v, b0[i])))}`);
  console.log(
    `cosine browser ${id} vs node ${ids[0]}: ${summary(b.map((v, i) => cosine(v, n0[i])))}`,
  );
}
console.log(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
