/** Share links: the search state (model, Top-K, filters, sample or "more like this" item) in the URL hash. */

/**
 * 'sample': the item's photo run through the model; 'similar': "more like this" on the item's
 * vector; 'text': words. A photo of the shopper's own is never in a link.
 */
export type SharedQuery =
  { kind: 'sample' | 'similar'; id: string } | { kind: 'text'; text: string };

export interface ShareState {
  model: string | null;
  k: number | null;
  /** Field name to accepted values. */
  filters: Record<string, string[]>;
  query: SharedQuery | null;
}

export const MIN_K = 1;
export const MAX_K = 100;

const FILTER_PREFIX = 'f.';

/** The hash (without '#') for a state; fields in a stable order so equal states give equal links. */
export function encodeShareState(state: ShareState): string {
  const params = new URLSearchParams();
  if (state.model) params.set('model', state.model);
  if (state.k !== null) params.set('k', String(state.k));
  if (state.query?.kind === 'text') params.set('q', state.query.text);
  else if (state.query) params.set(state.query.kind, state.query.id);
  for (const field of Object.keys(state.filters).sort()) {
    for (const value of [...state.filters[field]].sort())
      params.append(FILTER_PREFIX + field, value);
  }
  return params.toString();
}

/** Reads a hash (with or without '#'); unknown keys and malformed values are ignored. */
export function decodeShareState(hash: string): ShareState {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const state: ShareState = { model: null, k: null, filters: {}, query: null };
  const model = params.get('model');
  if (model) state.model = model;
  const k = Number(params.get('k'));
  if (Number.isInteger(k) && k >= MIN_K && k <= MAX_K) state.k = k;
  const similar = params.get('similar');
  const sample = params.get('sample');
  const text = params.get('q')?.trim();
  if (similar) state.query = { kind: 'similar', id: similar };
  else if (sample) state.query = { kind: 'sample', id: sample };
  else if (text) state.query = { kind: 'text', text };
  for (const [key, value] of params) {
    if (!key.startsWith(FILTER_PREFIX) || key.length === FILTER_PREFIX.length) continue;
    const field = key.slice(FILTER_PREFIX.length);
    const values = (state.filters[field] ??= []);
    if (!values.includes(value)) values.push(value);
  }
  return state;
}
