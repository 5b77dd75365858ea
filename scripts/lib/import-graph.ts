/** The relative-import graph of a source tree, for layout checks: who imports whom, and circles. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** `import … from './x'`, `export … from './x'`, `import './x'` and `import('./x')`. */
const IMPORT =
  /(?:\b(?:import|export)\b[^'"`;]*?\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Repo-relative file -> repo-relative files it imports (relative specifiers only). */
export type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts|svelte)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** The graph of every source file under `roots` (folders relative to `repo`). */
export function importGraph(repo: string, roots: string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  const key = (path: string) => relative(repo, path).split(sep).join('/');
  for (const root of roots) {
    for (const file of sourceFiles(resolve(repo, root))) {
      const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) =>
        key(resolve(dirname(file), m[1].split('?')[0])),
      );
      graph.set(key(file), [...new Set(targets)]);
    }
  }
  return graph;
}

/** Every import circle, each as the files along it (first file repeated at the end). */
export function importCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}
