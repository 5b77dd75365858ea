/**
 * Keeps the URL hash and the search in step: a link opened once the catalog is ready reproduces
 * its search, later searches rewrite the hash (replaceState: the Back button still leaves the app).
 * Call during component initialisation.
 */
import { untrack } from 'svelte';
import type { SearchSession } from '../query/search-session.svelte.ts';
import { decodeShareState, encodeShareState } from './share-state.ts';

export function bindShareHash(session: SearchSession, isReady: () => boolean): void {
  let applied = false;
  let written = location.hash.slice(1);

  const apply = () => {
    written = location.hash.slice(1);
    void session.applyShare(decodeShareState(written));
  };

  $effect(() => {
    if (!isReady() || applied) return;
    applied = true;
    if (written) untrack(apply);
  });

  $effect(() => {
    const hash = encodeShareState(session.shareState);
    const hasQuery = session.query !== null;
    if (!applied || hash === written || (!hasQuery && !written)) return;
    written = hash;
    history.replaceState(history.state, '', `#${hash}`);
  });

  $effect(() => {
    const onHashChange = () => {
      if (applied && location.hash.slice(1) !== written) apply();
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  });
}
