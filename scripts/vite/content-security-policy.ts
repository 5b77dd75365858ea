/**
 * Vite plugin: the app's strict Content-Security-Policy, as a <meta> in index.html (it travels
 * with the built files to any static host) and as a header in dev and preview (where it also
 * reaches the workers and the service worker, which a page's <meta> does not).
 */
import { randomBytes } from 'node:crypto';
import type { Connect, Plugin } from 'vite';

/**
 * Everything comes from the app's own origin. No inline script or style and no eval: only
 * 'wasm-unsafe-eval', which compiling WebAssembly (ONNX Runtime, the search kernel) needs.
 * Thumbnails and the shopper's photo are shown from blob: URLs made on the device.
 */
const directives: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
};

/**
 * The policy text. `styleNonce` (dev server only) lets Vite's client inject the CSS it
 * hot-reloads; `header` adds what a <meta> cannot carry (browsers ignore frame-ancestors there).
 */
export function contentSecurityPolicy(options: { styleNonce?: string; header?: boolean } = {}) {
  const policy = structuredClone(directives);
  if (options.styleNonce) policy['style-src'].push(`'nonce-${options.styleNonce}'`);
  if (options.header) policy['frame-ancestors'] = ["'none'"];
  return Object.entries(policy)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

function headerMiddleware(policy: string): Connect.NextHandleFunction {
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', policy);
    next();
  };
}

export function contentSecurityPolicyPlugin(): Plugin {
  // A fresh nonce per dev server start; the build has no inline style to allow.
  let styleNonce: string | undefined;
  return {
    name: 'lookalike:content-security-policy',
    config(_config, { command, isPreview }) {
      if (command !== 'serve' || isPreview) return;
      styleNonce = randomBytes(16).toString('base64');
      // Vite puts this nonce on the <style> tags its dev client injects.
      return { html: { cspNonce: styleNonce } };
    },
    configureServer(server) {
      server.middlewares.use(headerMiddleware(contentSecurityPolicy({ styleNonce, header: true })));
    },
    configurePreviewServer(server) {
      server.middlewares.use(headerMiddleware(contentSecurityPolicy({ header: true })));
    },
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        // Right after <meta charset>, before any script or stylesheet: a <meta> policy applies
        // only to what comes after it. The policy holds no " or &, so it needs no escaping.
        const policy = contentSecurityPolicy({ styleNonce });
        const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
        const charset = /<meta charset[^>]*>/i;
        if (!charset.test(html)) throw new Error('index.html needs a <meta charset> first');
        return html.replace(charset, (tag) => `${tag}\n    ${meta}`);
      },
    },
  };
}
