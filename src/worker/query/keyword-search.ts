/**
 * The worker's keyword fallback: reads a text query against the catalog's metadata (vocabulary
 * built once per item table) and ranks the matching items by their centroid.
 */
import type { ItemTable } from '../../shared/catalog/manifest.ts';
import { CentroidSearch } from '../../shared/search/centroid-search.ts';
import { buildFilterMask, isConstrained } from '../../shared/search/filter.ts';
import type { FlatIndex, SearchResult } from '../../shared/search/flat-index.ts';
import {
  buildKeywordVocabulary,
  mergeFilters,
  parseTextQuery,
  type KeywordVocabulary,
  type TextQuery,
} from '../../shared/search/text-query.ts';

const NOTHING: SearchResult = { indices: new Int32Array(0), scores: new Float32Array(0) };

export class KeywordSearch {
  #vocabularies = new WeakMap<ItemTable, KeywordVocabulary>();
  #rankers = new Map<number, CentroidSearch>();
  #mask: Uint8Array | undefined;

  /** The query's reading against this catalog's values. */
  read(items: ItemTable, text: string): TextQuery {
    let vocabulary = this.#vocabularies.get(items);
    if (!vocabulary) {
      vocabulary = buildKeywordVocabulary(items.fields);
      this.#vocabularies.set(items, vocabulary);
    }
    return parseTextQuery(text, vocabulary);
  }

  /**
   * The items both the query's and the shopper's filters accept, most typical first. Sets the
   * index's filter (`setFilter` takes a copy), so the caller must forget the filter it set.
   */
  search(
    index: FlatIndex,
    items: ItemTable,
    reading: TextQuery,
    chosen: Record<string, string[]>,
    k: number,
  ): SearchResult {
    const merged = mergeFilters(chosen, reading.filters);
    // No word named a catalog value: there is nothing to rank by.
    if (!merged || !isConstrained(reading.filters)) return NOTHING;
    const mask = buildFilterMask(items, merged, this.#mask);
    this.#mask = mask;
    index.setFilter(mask);
    let ranker = this.#rankers.get(index.dim);
    if (!ranker) this.#rankers.set(index.dim, (ranker = new CentroidSearch(index.dim)));
    return ranker.search(index, mask, k);
  }
}
