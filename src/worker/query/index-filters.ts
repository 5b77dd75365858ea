/** The shopper's filters as each index's mask, rebuilt only when the selection changes. */
import type { ItemTable } from '../../shared/catalog/manifest.ts';
import { buildFilterMask } from '../../shared/search/filter.ts';
import type { FlatIndex } from '../../shared/search/flat-index.ts';
import { EngineError } from '../errors.ts';

export class IndexFilters {
  /** The filter each index holds, as a canonical key. */
  #keys = new WeakMap<FlatIndex, string>();
  /** Reused across selections. */
  #maskBuffer: Uint8Array | undefined;

  /** Sets the index's filter mask to `filters` (field name → accepted values). */
  apply(items: ItemTable, index: FlatIndex, filters: Record<string, string[]>): void {
    const entries = Object.entries(filters)
      .filter(([, values]) => values.length > 0)
      .map(([field, values]) => [field, [...values].sort()] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const key = JSON.stringify(entries);
    if (this.#keys.get(index) === key) return;
    for (const [field] of entries) {
      if (!(field in items.fields)) throw new EngineError(`The catalog has no field ${field}.`);
    }
    // No constraint gives a mask of every item; `setFilter` copies it, so the buffer is reused.
    const mask = buildFilterMask(items, Object.fromEntries(entries), this.#maskBuffer);
    this.#maskBuffer = mask;
    index.setFilter(mask);
    this.#keys.set(index, key);
  }

  /** Someone else set the index's mask (the keyword search): the next search sets its own. */
  forget(index: FlatIndex): void {
    this.#keys.delete(index);
  }
}
