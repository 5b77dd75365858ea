/**
 * CLI: converts nsfwjs's MobileNetV2 to ONNX with chosen options, e.g.
 * `tsx scripts/models/convert-mobilenet.ts --layers block_10_project_BN,block_12_add --out /tmp/m`.
 * `npm run models` builds the default options into models/mobilenet-v2.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ResizeMethod } from '../../src/shared/model/spec.ts';
import { convertMobilenet, DEFAULT_MOBILENET_OPTIONS } from '../lib/mobilenet-model.ts';
import { modelsDir, writeModel } from './write-model.ts';

const { values } = parseArgs({
  options: {
    layers: { type: 'string', default: DEFAULT_MOBILENET_OPTIONS.layers.join(',') },
    weights: { type: 'string', default: DEFAULT_MOBILENET_OPTIONS.weights },
    resize: { type: 'string', default: DEFAULT_MOBILENET_OPTIONS.resize },
    out: { type: 'string', default: modelsDir },
  },
});

if (values.weights !== 'uint8' && values.weights !== 'float32') {
  throw new Error(`--weights must be uint8 or float32, got ${values.weights}`);
}
if (values.resize !== 'squash' && values.resize !== 'center-crop') {
  throw new Error(`--resize must be squash or center-crop, got ${values.resize}`);
}
const { spec, onnx } = convertMobilenet({
  layers: values.layers.split(',').map((l) => l.trim()),
  weights: values.weights,
  resize: values.resize as ResizeMethod,
});
const folder = writeModel(spec, onnx, resolve(values.out));
console.log(`wrote ${join(folder, spec.file)}: ${spec.bytes} bytes, dim ${spec.output.dim}`);
