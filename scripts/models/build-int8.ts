/**
 * CLI: builds the int8-pointwise variant of the fashion model under another id, for measuring it
 * beside the float one: `npx tsx scripts/models/build-int8.ts [--id mobilenet-v2-fashion-int8]
 * [--photos 64] [--out models] [--ranges mse|minmax] [--weights int8|uint8] [--every-conv]
 * [--keep-float conv,...]`.
 */
import { join, resolve } from 'node:path';
import { demoDataset, parseCli } from '../lib/cli.ts';
import { convertFashion } from './fashion-model.ts';
import type { RangeMethod } from './calibrate-ranges.ts';
import { calibrationPhotos, quantiseModel } from './int8-model.ts';
import { modelsDir, writeModel } from './write-model.ts';

const args = parseCli('build-int8', {
  id: { type: 'string', default: 'mobilenet-v2-fashion-int8' },
  photos: { type: 'string', default: '64' },
  out: { type: 'string', default: modelsDir },
  ranges: { type: 'string', default: 'mse' },
  weights: { type: 'string', default: 'int8' },
  'every-conv': { type: 'boolean', default: false },
  'keep-float': { type: 'string', default: '' },
});

const started = performance.now();
const photos = calibrationPhotos(demoDataset, Number(args.photos));
const { spec, onnx } = await quantiseModel(convertFashion(), photos, args.id, args.ranges as RangeMethod, {
  weights: args.weights as 'int8' | 'uint8',
  everyConv: args['every-conv'],
  keepFloat: new Set(args['keep-float'].split(',').filter(Boolean)),
});
const folder = writeModel(spec, onnx, resolve(args.out));
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`wrote ${join(folder, spec.file)}: ${(spec.bytes / 1e6).toFixed(2)} MB, ${photos.length} calibration photos, ${seconds} s`);
