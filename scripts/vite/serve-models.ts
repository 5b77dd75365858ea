/** Vite plugin: serves `models/` at `<base>models/` in dev and preview, and copies it into the build. */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Connect, Plugin } from 'vite';

const root = resolve(import.meta.dirname, '../../models');

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

const middleware: Connect.NextHandleFunction = (req, res, next) => {
  const path = decodeURIComponent((req.url ?? '').split('?')[0]);
  const file = resolve(root, '.' + path);
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return next();
  res.setHeader('Content-Length', statSync(file).size);
  res.setHeader(
    'Content-Type',
    file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
  );
  createReadStream(file).pipe(res);
};

export function serveModels(): Plugin {
  return {
    name: 'lookalike:serve-models',
    configureServer(server) {
      server.middlewares.use('/models', middleware);
    },
    generateBundle() {
      for (const file of listFiles(root)) {
        if (file.endsWith('.md')) continue;
        const fileName = 'models/' + relative(root, file).split(sep).join('/');
        this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
      }
    },
  };
}
