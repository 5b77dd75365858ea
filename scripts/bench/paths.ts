/** Where the app suites find the project's models, the demo catalog and the shared photo set. */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
export const modelsDir = resolve(root, 'models');
/** The shared clothing photos (never copied into the repo), or $LOOKALIKE_IMAGES. */
export const photosDir = resolve(
  process.env.LOOKALIKE_IMAGES ?? resolve(root, '../shared/datasets/clothing/images'),
);

/** `count` photo file names spread evenly over the sorted set (the same ones every run). */
export function samplePhotos(count: number): string[] {
  if (!existsSync(photosDir)) throw new Error(`no photos at ${photosDir} (set LOOKALIKE_IMAGES)`);
  const names = readdirSync(photosDir)
    .filter((name) => /\.(jpe?g|png|webp)$/i.test(name))
    .sort();
  const step = Math.max(1, Math.floor(names.length / count));
  return Array.from({ length: Math.min(count, names.length) }, (_, i) => names[i * step]);
}

/** Ids of the installed models: folders of models/ with a model.json. */
export function installedModels(): string[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(resolve(modelsDir, entry.name, 'model.json')),
    )
    .map((entry) => entry.name)
    .sort();
}
