/**
 * Prints a model's size, embedding dim and onnxruntime-node speed (1 intra-op thread, batch 1
 * and 16, median ms per image after warm-up), and the browser's WASM build (onnxruntime-web) run
 * by Node's V8 on the same tensor, interleaved with the native runs, so the ratio of their CPU
 * times is the native/WASM gap on this machine however busy it is:
 * `npx tsx scripts/models/bench-model.ts [--model id]`. Run `npm run models` first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web/wasm';
import {
  createOnnxEmbedder,
  wasmSessionOptions,
} from '../../src/shared/model/onnx-embedder.ts';
import { createTensorBuffer, ImagePreprocessor } from '../../src/shared/preprocess/to-tensor.ts';
import { decodeImageNode } from '../lib/decode-node.ts';
import { MOBILENET_ID } from '../lib/mobilenet-model.ts';
import { modelsDir, readModelSpec } from './write-model.ts';

const root = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: MOBILENET_ID },
    images: { type: 'string', default: resolve(root, '../shared/datasets/clothing/images') },
    runs: { type: 'string', default: '30' },
  },
});

const spec = readModelSpec(values.model);
if (!spec) throw new Error(`no models/${values.model}/model.json: run \`npm run models\` first`);
const bytes = new Uint8Array(readFileSync(join(modelsDir, spec.id, spec.file)));
const embedder = await createOnnxEmbedder(ort, bytes, spec, { threads: 1 });
ortWeb.env.wasm.numThreads = 1;
const wasmEmbedder = await createOnnxEmbedder(ortWeb, bytes, spec, {
  ...wasmSessionOptions(1),
});

const BATCH = 16;
const preprocessor = new ImagePreprocessor(spec.input);
const tensor = createTensorBuffer(spec.input, BATCH);
const files = readdirSync(values.images).sort().slice(0, BATCH);
const prepare: number[] = [];
for (const [i, file] of files.entries()) {
  const started = performance.now();
  preprocessor.toTensor(await decodeImageNode(join(values.images, file)), tensor, i);
  prepare.push(performance.now() - started);
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];

/** Median wall ms per image, and CPU ms per image over all runs (steadier on a shared machine). */
async function msPerImage(
  batch: number,
  runs: number,
  on: typeof embedder = embedder,
): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < 3; i++) await on.embed(tensor, batch);
  const times: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await on.embed(tensor, batch);
    times.push((performance.now() - started) / batch);
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wall: median(times), cpu: (cpu.user + cpu.system) / 1000 / (runs * batch) };
}

const runs = Number(values.runs);
const batch1 = await msPerImage(1, runs);
const batch16 = await msPerImage(BATCH, Math.max(5, Math.round(runs / 4)));
// Native and WASM in turn, a few runs each, so both see the same load.
const pairs = { native: [] as number[], wasm: [] as number[] };
for (let round = 0; round < 5; round++) {
  pairs.native.push((await msPerImage(1, 5)).cpu);
  pairs.wasm.push((await msPerImage(1, 5, wasmEmbedder)).cpu);
}
await embedder.dispose();
await wasmEmbedder.dispose();
console.log(`model            ${spec.id} ${spec.version} (${spec.output.name}, ${spec.input.resize})`);
console.log(`file size        ${spec.bytes} bytes (${(spec.bytes / 1e6).toFixed(2)} MB)`);
console.log(`embedding dim    ${spec.output.dim}`);
const line = (b: { wall: number; cpu: number }) =>
  `${b.wall.toFixed(2)} ms/image (median), CPU ${b.cpu.toFixed(2)} ms/image`;
console.log(`onnxruntime-node 1 thread, batch 1:  ${line(batch1)}`);
console.log(`onnxruntime-node 1 thread, batch 16: ${line(batch16)}`);
const [nativeCpu, wasmCpu] = [median(pairs.native), median(pairs.wasm)];
console.log(
  `onnxruntime-web WASM (Node's V8) 1 thread, batch 1: CPU ${wasmCpu.toFixed(2)} ms/image, ` +
    `${(wasmCpu / nativeCpu).toFixed(2)}x native (${nativeCpu.toFixed(2)}), interleaved`,
);
console.log(`decode + preprocess (sharp, toTensor): ${median(prepare).toFixed(2)} ms/image`);
