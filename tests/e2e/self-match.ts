/**
 * The least score a demo catalog photo gets as its own query. The catalog stores the unit mean of
 * the full photo and its centre 80% (CATALOG_VIEWS), so a photo's own score is
 * sqrt((1 + cos(full, centre)) / 2): about 0.88 to 0.95 on the demo photos, not 1.
 */
export const SELF_MATCH_MIN = 0.85;
