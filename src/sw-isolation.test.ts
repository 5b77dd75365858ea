import { describe, expect, it } from 'vitest';
import { ISOLATION_HEADERS } from './shared/isolation-headers.ts';
import { withIsolation } from './sw-isolation.ts';

describe('withIsolation', () => {
  it('adds COOP and COEP, keeping the body, status and other headers', async () => {
    const response = withIsolation(
      new Response('<!doctype html>', {
        status: 200,
        statusText: 'OK',
        headers: { 'Content-Type': 'text/html' },
      }),
    );
    expect(response.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(response.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(response.headers.get('Content-Type')).toBe('text/html');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<!doctype html>');
  });

  it('leaves a response that already carries the headers as it is', () => {
    const original = new Response('x', { headers: ISOLATION_HEADERS });
    expect(withIsolation(original)).toBe(original);
  });

  it('sets only what is missing', () => {
    const response = withIsolation(
      new Response('x', { headers: { 'Cross-Origin-Embedder-Policy': 'credentialless' } }),
    );
    expect(response.headers.get('Cross-Origin-Embedder-Policy')).toBe('credentialless');
    expect(response.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
  });

  it('passes error responses through', () => {
    const error = Response.error();
    expect(withIsolation(error)).toBe(error);
  });
});
