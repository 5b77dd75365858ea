import { describe, expect, it } from 'vitest';
import { seededRandom } from '../search/seeded-random.ts';
import type { CatalogManifest } from './manifest.ts';
import { ManifestError, parseManifest } from './validate-manifest.ts';

const hash = (c: string) => c.repeat(64);

function validManifest(): CatalogManifest {
  const spec = {
    id: 'mobilenet-v2',
    version: '1',
    name: 'MobileNet v2',
    runtime: 'onnx' as const,
    file: 'model.onnx',
    sha256: hash('a'),
    bytes: 1000,
    sourceHash: 'abc',
    input: {
      name: 'input',
      size: 224,
      layout: 'NCHW' as const,
      resize: 'center-crop' as const,
      channels: 'RGB' as const,
      mean: [0.485, 0.456, 0.406] as [number, number, number],
      std: [0.229, 0.224, 0.225] as [number, number, number],
    },
    output: { name: 'features', dim: 1280, normalized: false },
    towers: { image: true, text: false },
    licence: 'Apache-2.0',
    provenance: ['converted from nsfwjs'],
  };
  return {
    format: 'lookalike-catalog',
    formatVersion: 1,
    version: '0123456789abcdef',
    createdAt: '2026-01-01T00:00:00.000Z',
    count: 250,
    models: [
      {
        spec,
        dim: 1280,
        quantization: 'int8-symmetric-per-vector',
        shards: [
          {
            file: 'mobilenet-v2/shard-000.bin',
            bytes: 10,
            sha256: hash('b'),
            start: 0,
            count: 200,
          },
          {
            file: 'mobilenet-v2/shard-001.bin',
            bytes: 10,
            sha256: hash('c'),
            start: 200,
            count: 50,
          },
        ],
      },
    ],
    items: { file: 'items/items.json', bytes: 5, sha256: hash('d') },
    thumbs: { maxSide: 256, packs: [{ file: 'thumbs/pack-0.bin', bytes: 99, sha256: hash('e') }] },
  };
}

function problemAt(json: unknown): string {
  try {
    parseManifest(json);
  } catch (error) {
    if (error instanceof ManifestError) return error.path;
    throw error;
  }
  return 'ok';
}

describe('parseManifest', () => {
  it('accepts a valid manifest and returns the same data', () => {
    const manifest = validManifest();
    expect(parseManifest(JSON.parse(JSON.stringify(manifest)))).toEqual(manifest);
  });

  it("keeps an output's instance part, and rejects one outside the output", () => {
    const manifest = validManifest();
    const output = manifest.models[0].spec.output;
    output.instance = { offset: 1024, dims: 256 };
    expect(parseManifest(JSON.parse(JSON.stringify(manifest))).models[0].spec.output).toEqual(
      output,
    );
    for (const bad of [
      { offset: 1025, dims: 256 },
      { offset: 0, dims: 0 },
      { offset: -1, dims: 4 },
      { offset: 0.5, dims: 4 },
      { dims: 4 },
      7,
    ]) {
      const json = JSON.parse(JSON.stringify(manifest));
      json.models[0].spec.output.instance = bad;
      expect(problemAt(json)).toMatch(/^models\[0\]\.spec\.output\.instance/);
    }
  });

  it('names the field that is wrong', () => {
    const edit = (change: (m: CatalogManifest & Record<string, unknown>) => void) => {
      const manifest = validManifest() as CatalogManifest & Record<string, unknown>;
      change(manifest);
      return problemAt(manifest);
    };
    expect(problemAt(null)).toBe('');
    expect(problemAt([])).toBe('');
    expect(edit((m) => (m.format = 'other' as 'lookalike-catalog'))).toBe('format');
    expect(edit((m) => (m.formatVersion = 2 as 1))).toBe('formatVersion');
    expect(edit((m) => (m.count = -1))).toBe('count');
    expect(edit((m) => (m.models[0].dim = 512))).toBe('models[0].dim');
    expect(edit((m) => (m.models[0].shards[1].start = 199))).toBe('models[0].shards[1].start');
    expect(edit((m) => (m.models[0].shards[1].count = 49))).toBe('models[0].shards');
    expect(edit((m) => (m.models[0].shards[0].file = '../../etc/passwd'))).toBe(
      'models[0].shards[0].file',
    );
    expect(edit((m) => (m.models[0].shards[0].file = '/abs.bin'))).toBe('models[0].shards[0].file');
    expect(edit((m) => (m.models[0].shards[0].file = 'https://x/y.bin'))).toBe(
      'models[0].shards[0].file',
    );
    expect(edit((m) => (m.items.sha256 = 'ABC'))).toBe('items.sha256');
    expect(edit((m) => (m.thumbs.packs[0].bytes = 1.5))).toBe('thumbs.packs[0].bytes');
    expect(edit((m) => (m.models[0].spec.input.std = [1, 0, 1]))).toBe('models[0].spec.input.std');
    expect(edit((m) => (m.models[0].spec.runtime = 'tflite' as 'onnx'))).toBe(
      'models[0].spec.runtime',
    );
    expect(edit((m) => (m.models[0].spec.id = 'a/b'))).toBe('models[0].spec.id');
    expect(edit((m) => (m.models[0].spec.family = 'blip' as 'clip'))).toBe('models[0].spec.family');
    expect(edit((m) => (m.models[0].spec.family = 'dinov2'))).toBe('ok');
    expect(edit((m) => m.models.push(m.models[0]))).toBe('models');
    expect(edit((m) => delete (m as Partial<CatalogManifest>).thumbs)).toBe('thumbs');
  });
});

describe('parseManifest fuzzing (seeded)', () => {
  const random = seededRandom(99);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const junk = [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e300,
    2 ** 53,
    '',
    'x',
    '../up',
    'a'.repeat(5000),
    [],
    [1, 2, 3],
    {},
    { file: 'x' },
  ] as const;

  /** Every [container, key] pair in the JSON tree, so a mutation can hit any depth. */
  function slots(value: unknown, out: [Record<string, unknown> | unknown[], string][] = []) {
    if (value && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        out.push([value as Record<string, unknown>, key]);
        slots((value as Record<string, unknown>)[key], out);
      }
    }
    return out;
  }

  function mutate(json: unknown): void {
    const all = slots(json);
    for (let m = 0, edits = 1 + Math.floor(random() * 3); m < edits; m++) {
      const [container, key] = pick(all);
      const record = container as Record<string, unknown>;
      const action = random();
      if (action < 0.5) record[key] = pick(junk);
      else if (action < 0.7) delete record[key];
      else if (action < 0.85 && typeof record[key] === 'number') {
        record[key] = (record[key] as number) + pick([-1, 1, 0.5, 1e9]);
      } else if (typeof record[key] === 'string') {
        record[key] = (record[key] as string).slice(1);
      } else record[key] = structuredClone(record[pick(Object.keys(record))]);
    }
  }

  it('gives a ManifestError or a valid manifest for 6,000 mutated manifests and random JSON', () => {
    let cases = 0;
    let accepted = 0;
    for (let t = 0; t < 5000; t++) {
      const json: unknown = validManifest();
      mutate(json);
      cases++;
      if (problemAt(json) === 'ok') {
        accepted++;
        // What passes must be a fixed point: validating the result changes nothing.
        const parsed = parseManifest(json);
        expect(parseManifest(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
      }
    }
    for (let t = 0; t < 1000; t++) {
      const text = Array.from({ length: Math.floor(random() * 60) }, () =>
        pick(['{', '}', '[', ']', '"a"', ':', ',', '1', 'null', '"format"', '"models"']),
      ).join('');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      cases++;
      expect(problemAt(json)).not.toBe('ok');
    }
    expect(cases).toBeGreaterThanOrEqual(6000);
    // Most mutations break the manifest; a few (e.g. a longer licence) leave it valid.
    expect(accepted).toBeLessThan(cases / 2);
  });
});
