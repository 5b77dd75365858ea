/** Limits both sides of the worker boundary enforce: the page refuses early, the worker again. */

/** Largest photo the engine accepts; bigger files are refused before they are read. */
export const MAX_QUERY_BYTES = 20 * 1024 * 1024;
