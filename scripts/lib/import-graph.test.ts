import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { importCycles, importGraph } from './import-graph.ts';

/** Written so this file's own text holds no import the graph would read. */
const importOf = (what: string, from: string) => `import ${what} from '${from}';\n`;

function tree(files: Record<string, string>): string {
  const repo = mkdtempSync(join(tmpdir(), 'import-graph-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  return repo;
}

it('reads static, type-only, re-export, side-effect and dynamic imports', () => {
  const repo = tree({
    'a/x.ts': [
      importOf('{ y }', './y.ts'),
      importOf('type {\n  Z,\n}', '../b/z.ts'),
      importOf('{ w }', './w.ts').replace('import', 'export'),
      `import '${'./side.ts'}';`,
      `const v = await import('${'./v.ts'}');`,
      importOf('{ readFileSync }', 'node:fs'),
    ].join('\n'),
  });
  expect(importGraph(repo, ['a']).get('a/x.ts')!.sort()).toEqual(
    ['a/side.ts', 'a/v.ts', 'a/w.ts', 'a/y.ts', 'b/z.ts'].sort(),
  );
});

it('finds a circle, and none in a tree', () => {
  const circle = tree({
    'p/a.ts': importOf('{ b }', './b.ts'),
    'p/b.ts': importOf('type { C }', './c.ts'),
    'p/c.ts': importOf('{ a }', './a.ts'),
  });
  expect(importCycles(importGraph(circle, ['p']))).toEqual([
    ['p/a.ts', 'p/b.ts', 'p/c.ts', 'p/a.ts'],
  ]);
  const acyclic = tree({
    'p/a.ts': importOf('{ b }', './b.ts') + importOf('{ c }', './c.ts'),
    'p/b.ts': importOf('{ c }', './c.ts'),
    'p/c.ts': 'export const c = 1;',
  });
  expect(importCycles(importGraph(acyclic, ['p']))).toEqual([]);
});
