/**
 * A text query over a catalog loaded in Node, as the app answers it: the text tower's embedding
 * when the model has one, else a keyword filter ranked by the matches' centroid.
 */
import { instanceQueryFor } from '../../src/shared/search/instance-first.ts';
import { labelRerankerFor, searchWithLabels } from '../../src/shared/search/label-rerank.ts';
import { CentroidSearch } from '../../src/shared/search/centroid-search.ts';
import { buildFilterMask, isConstrained } from '../../src/shared/search/filter.ts';
import type { SearchResult } from '../../src/shared/search/flat-index.ts';
import {
  buildKeywordVocabulary,
  parseTextQuery,
  type TextQuery,
} from '../../src/shared/search/text-query.ts';
import type { LoadedCatalog } from './load-catalog.ts';
import type { NodeModel } from './node-model.ts';

export interface TextSearchResult extends SearchResult {
  /** The keyword reading of the query, when the fallback answered it; null for an embedding. */
  keywords: TextQuery | null;
}

export async function searchTextNode(
  catalog: LoadedCatalog,
  model: NodeModel,
  text: string,
  k: number,
): Promise<TextSearchResult> {
  const index = catalog.indexes.get(model.spec.id);
  if (!index) throw new Error(`the catalog has no index for ${model.spec.id}`);
  if (model.embedTexts) {
    const vector = await model.embedTexts([text]);
    const hits = searchWithLabels(
      labelRerankerFor(catalog.items),
      k,
      (depth) => index.search(vector, depth),
      instanceQueryFor(model.spec, vector, index),
    );
    return { ...hits, keywords: null };
  }
  const keywords = parseTextQuery(text, buildKeywordVocabulary(catalog.items.fields));
  // Without a filter there is nothing to rank by: no words named a catalog value.
  if (!isConstrained(keywords.filters)) {
    return { indices: new Int32Array(0), scores: new Float32Array(0), keywords };
  }
  const mask = buildFilterMask(catalog.items, keywords.filters);
  index.setFilter(mask);
  try {
    return { ...new CentroidSearch(index.dim).search(index, mask, k), keywords };
  } finally {
    index.setFilter(null);
  }
}
