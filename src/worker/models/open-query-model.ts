/**
 * Opens a model from its files (paths in its folder → bytes) on the runtime its spec names.
 * transformers.js is imported only when a catalog has such a model, so the default (ONNX)
 * model's path never loads the transformers.js bundle: keep that import dynamic.
 */
import type { ModelSpec } from '../../shared/model/spec.ts';
import { openOnnxModel } from './onnx-query-model.ts';
import type { QueryModel } from './query-model.ts';
import { timed } from '../catalog/startup-timing.ts';

export async function openQueryModel(
  spec: ModelSpec,
  files: ReadonlyMap<string, Uint8Array>,
  appUrl: string,
): Promise<QueryModel> {
  if (spec.runtime === 'transformers') {
    const { openTransformersModel } = await import('./transformers-query-model.ts');
    return openTransformersModel(spec, files, appUrl);
  }
  const bytes = files.get(spec.file);
  if (!bytes) throw new Error(`${spec.id}: ${spec.file} was not loaded`);
  return timed(`open model ${spec.id}`, () => openOnnxModel(spec, bytes));
}
