/**
 * `npm run models:fetch -- <id> [--base URL] [--dir DIR]`: downloads a registry model
 * (src/shared/model/registry.ts) from the Hugging Face hub layout (`<base>/<repo>/resolve/main/
 * <file>`; base also from $LOOKALIKE_HUB_BASE) into `models/<id>/`, resumable and verified, and
 * writes its model.json so `npm run catalog -- --model <id>` can use it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  inputDifferences,
  inputFromPreprocessor,
} from '../../src/shared/model/preprocessor-config.ts';
import { registryEntry, type RegistryEntry } from '../../src/shared/model/registry.ts';
import type { ModelFile, ModelSpec } from '../../src/shared/model/spec.ts';
import { FAMILY_TOWERS } from '../../src/shared/model/transformers-towers.ts';
import { downloadFile, probe } from '../lib/download-file.ts';

export const DEFAULT_HUB = 'https://huggingface.co';

export interface FetchOptions {
  /** Hub base URL (tests point it at a local server). */
  base?: string;
  /** Folder holding `<id>/` (default: the project's `models/`). */
  dir?: string;
  attempts?: number;
  log?: (line: string) => void;
}

export interface FetchReport {
  spec: ModelSpec;
  downloaded: number;
  skipped: number;
  resumes: number;
  bytes: number;
}

/** The spec of a fetched model: its files as downloaded, the image tower as `file`. */
function specFor(entry: RegistryEntry, files: ModelFile[], input: ModelSpec['input']): ModelSpec {
  const towers = FAMILY_TOWERS[entry.family];
  const vision =
    files.find((f) => f.file === towers.vision.file) ?? files.find((f) => f.file.endsWith('.onnx'))!;
  return {
    id: entry.id,
    version: vision.sha256.slice(0, 12),
    name: entry.name,
    runtime: 'transformers',
    family: entry.family,
    file: vision.file,
    sha256: vision.sha256,
    bytes: vision.bytes,
    sourceHash: createHash('sha256')
      .update(files.map((f) => f.sha256).join(','))
      .digest('hex'),
    input,
    output: { name: towers.vision.output, dim: entry.dim, normalized: false },
    towers: entry.towers,
    licence: entry.licence,
    provenance: [`huggingface.co/${entry.repo} (fetched by npm run models:fetch)`],
    files,
  };
}

/**
 * The preprocessing the model's own preprocessor_config.json describes (the registry's values
 * are written from published descriptions and only a fallback); differences are logged.
 */
function preprocessing(
  entry: RegistryEntry,
  folder: string,
  files: ModelFile[],
  log: (line: string) => void,
): ModelSpec['input'] {
  if (!files.some((f) => f.file === 'preprocessor_config.json')) return entry.input;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(folder, 'preprocessor_config.json'), 'utf8'));
  } catch {
    json = null;
  }
  const read = inputFromPreprocessor(json, entry.input);
  if (!read.input) {
    log(`  preprocessor_config.json: ${read.problem}; keeping the registry's preprocessing`);
    return entry.input;
  }
  const changed = inputDifferences(entry.input, read.input);
  if (changed.length) log(`  preprocessing from preprocessor_config.json: ${changed.join(', ')}`);
  return read.input;
}

export async function fetchModel(entry: RegistryEntry, options: FetchOptions = {}): Promise<FetchReport> {
  const base = (options.base ?? process.env.LOOKALIKE_HUB_BASE ?? DEFAULT_HUB).replace(/\/$/, '');
  const folder = join(options.dir ?? resolve(import.meta.dirname, '../../models'), entry.id);
  const log = options.log ?? (() => {});
  const files: ModelFile[] = [];
  const report = { downloaded: 0, skipped: 0, resumes: 0, bytes: 0 };
  for (const ref of entry.files) {
    const url = `${base}/${entry.repo}/resolve/main/${ref.file}`;
    const probed = await probe(url);
    // A pinned sha256 wins over what the server says; a disagreement is an error below.
    const expected = { sha256: ref.sha256 ?? probed.sha256, bytes: ref.bytes ?? probed.bytes };
    const dest = join(folder, ref.file);
    mkdirSync(dirname(dest), { recursive: true });
    const result = await downloadFile(url, dest, expected, { attempts: options.attempts, log });
    files.push({ file: ref.file, bytes: result.bytes, sha256: result.sha256 });
    report[result.skipped ? 'skipped' : 'downloaded']++;
    report.resumes += result.resumes;
    report.bytes += result.bytes;
    log(
      `  ${ref.file}: ${(result.bytes / 1e6).toFixed(1)} MB ${result.skipped ? '(already here)' : result.resumes ? `(resumed ${result.resumes}x)` : ''}` +
        (expected.sha256 ? ', sha256 verified' : ', size checked (no sha256 published)'),
    );
  }
  const spec = specFor(entry, files, preprocessing(entry, folder, files, log));
  const json = join(folder, 'model.json');
  writeFileSync(`${json}.tmp`, JSON.stringify(spec, null, 2) + '\n');
  renameSync(`${json}.tmp`, json);
  return { spec, ...report };
}

if (process.argv[1] === import.meta.filename) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { base: { type: 'string' }, dir: { type: 'string' } },
  });
  try {
    if (positionals.length !== 1) throw new Error('give one registry id, e.g. clip-vit-b32');
    const entry = registryEntry(positionals[0]);
    console.log(`${entry.id}: fetching ${entry.repo} (about ${entry.downloadMB} MB)`);
    const report = await fetchModel(entry, {
      base: values.base,
      dir: values.dir && resolve(values.dir),
      log: (line) => console.log(line),
    });
    const where = relative(process.cwd(), join(values.dir ?? 'models', entry.id)) || '.';
    console.log(
      `${entry.id}: ${report.downloaded} downloaded, ${report.skipped} already here, ` +
        `${(report.bytes / 1e6).toFixed(1)} MB in ${where}`,
    );
    console.log(`next: npm run catalog -- --model mobilenet-v2,${entry.id}`);
  } catch (error) {
    console.error(`models:fetch: ${(error as Error).message}`);
    process.exit(1);
  }
}
