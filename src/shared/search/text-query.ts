/**
 * The keyword fallback for models without a text tower: reads a free-text query ("red dresses
 * for kids") against the catalog's own metadata values and turns it into a filter selection.
 */

/** One word (or phrase) of the query that picked a catalog value. */
export interface KeywordTerm {
  field: string;
  /** The value as the catalog spells it (e.g. 'T-Shirt', 'True'). */
  value: string;
  /** The query's words that chose it, as typed. */
  words: string;
}

export interface TextQuery {
  /** Field → accepted values (OR within a field, AND across fields), for buildFilterMask. */
  filters: Record<string, string[]>;
  /** What each filter value came from, in query order (for chips). */
  terms: KeywordTerm[];
  /** Words that named no catalog value (stop words such as "a" or "for" left out). */
  leftover: string[];
}

/** The catalog's words: normalised key → the (field, value) pairs it names. */
export interface KeywordVocabulary {
  readonly keys: ReadonlyMap<string, readonly { field: string; value: string }[]>;
}

/**
 * Other words shoppers use for the catalog's values (after normalisation: lower case, letters
 * and digits only, singular). A synonym only applies when the catalog has its target.
 */
const SYNONYMS: Record<string, string> = {
  // garments
  tee: 'tshirt',
  tshirt: 'tshirt',
  teeshirt: 'tshirt',
  jacket: 'outwear',
  coat: 'outwear',
  parka: 'outwear',
  anorak: 'outwear',
  outerwear: 'outwear',
  trouser: 'pants',
  trousers: 'pants',
  jean: 'pants',
  jeans: 'pants',
  chino: 'pants',
  legging: 'pants',
  leggings: 'pants',
  sneaker: 'shoes',
  trainer: 'shoes',
  boot: 'shoes',
  sandal: 'shoes',
  heel: 'shoes',
  shoe: 'shoes',
  footwear: 'shoes',
  sweater: 'longsleeve',
  jumper: 'longsleeve',
  pullover: 'longsleeve',
  longsleeved: 'longsleeve',
  cap: 'hat',
  beanie: 'hat',
  hoody: 'hoodie',
  sweatshirt: 'hoodie',
  poloshirt: 'polo',
  tanktop: 'undershirt',
  tank: 'undershirt',
  singlet: 'undershirt',
  gown: 'dress',
  frock: 'dress',
  suitjacket: 'blazer',
  sportcoat: 'blazer',
  bodysuit: 'body',
  onesie: 'body',
  // colours
  navy: 'blue',
  gray: 'grey',
  cream: 'beige',
  ivory: 'beige',
  tan: 'beige',
  khaki: 'beige',
  camel: 'beige',
  maroon: 'red',
  burgundy: 'red',
  crimson: 'red',
  scarlet: 'red',
  charcoal: 'grey',
  silver: 'grey',
  olive: 'green',
  violet: 'purple',
  lilac: 'purple',
  lavender: 'purple',
  gold: 'yellow',
  mustard: 'yellow',
  // kids (a true/false field is named by its own name)
  kid: 'kids',
  child: 'kids',
  children: 'kids',
  childrens: 'kids',
  boy: 'kids',
  girl: 'kids',
  baby: 'kids',
  toddler: 'kids',
};

/** Words that carry no meaning for a filter; dropped silently. */
const STOP_WORDS = new Set(
  'a an the and or for with in on of to my me i some any like show find looking want please'.split(
    ' ',
  ),
);

/** Values that say "unknown": not something a shopper asks for. */
const NON_VALUES = new Set(['', 'notsure', 'other', 'skip', 'unknown', 'none', 'na']);

const TRUE_VALUES = new Set(['true', 'yes', '1']);
const FALSE_VALUES = new Set(['false', 'no', '0']);

/** Longest phrase (in words) a value or synonym may span, e.g. "long sleeve" or "polo shirt". */
const MAX_PHRASE = 3;

/** Lower case, letters and digits only: 'T-Shirt' and 't shirt' (joined) both become 'tshirt'. */
const normalise = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** The forms a word may take in the vocabulary: itself and its plausible singulars. */
function singulars(key: string): string[] {
  const forms = [key];
  if (key.length > 3 && key.endsWith('ies')) forms.push(key.slice(0, -3) + 'y');
  if (key.length > 3 && key.endsWith('es')) forms.push(key.slice(0, -2));
  if (key.length > 2 && key.endsWith('s') && !key.endsWith('ss')) forms.push(key.slice(0, -1));
  return forms;
}

/**
 * Indexes the catalog's metadata values (`values`: field → its distinct values, or a whole
 * column). Identifier-like values (numbers) and "unknown" values are left out; a field whose
 * values are true/false is named by its field name ("kids" → kids = True).
 */
export function buildKeywordVocabulary(
  values: Readonly<Record<string, Iterable<string>>>,
): KeywordVocabulary {
  const keys = new Map<string, { field: string; value: string }[]>();
  const add = (key: string, field: string, value: string) => {
    const list = keys.get(key) ?? [];
    if (!list.some((e) => e.field === field && e.value === value)) list.push({ field, value });
    keys.set(key, list);
  };
  for (const [field, column] of Object.entries(values)) {
    const distinct = [...new Set(column)];
    const keyed = distinct.map((value) => ({ value, key: normalise(value) }));
    const truthy = keyed.find((v) => TRUE_VALUES.has(v.key));
    if (truthy && keyed.every((v) => TRUE_VALUES.has(v.key) || FALSE_VALUES.has(v.key))) {
      add(normalise(field), field, truthy.value);
      continue;
    }
    for (const { value, key } of keyed) {
      if (NON_VALUES.has(key) || /^\d+$/.test(key)) continue;
      add(key, field, value);
    }
  }
  return { keys };
}

/** The catalog values a normalised word or phrase names, through plurals and synonyms. */
function lookup(vocabulary: KeywordVocabulary, key: string) {
  for (const form of singulars(key)) {
    const direct = vocabulary.keys.get(form);
    if (direct) return direct;
    const synonym = SYNONYMS[form];
    const target = synonym === undefined ? undefined : vocabulary.keys.get(synonym);
    if (target) return target;
  }
  return undefined;
}

/**
 * Reads `text` against the vocabulary: the longest phrase first ("t shirt" before "shirt"),
 * each match adds its value to its field's filter; everything else is leftover.
 */
export function parseTextQuery(text: string, vocabulary: KeywordVocabulary): TextQuery {
  const words = text.split(/[\s,;/+]+/).filter((w) => normalise(w) !== '');
  const filters: Record<string, string[]> = {};
  const terms: KeywordTerm[] = [];
  const leftover: string[] = [];
  for (let i = 0; i < words.length;) {
    let matched = 0;
    for (let n = Math.min(MAX_PHRASE, words.length - i); n >= 1 && !matched; n--) {
      const phrase = words.slice(i, i + n);
      const found = lookup(vocabulary, normalise(phrase.join('')));
      if (!found) continue;
      matched = n;
      for (const { field, value } of found) {
        const list = (filters[field] ??= []);
        if (!list.includes(value)) list.push(value);
        terms.push({ field, value, words: phrase.join(' ') });
      }
    }
    if (!matched) {
      if (!STOP_WORDS.has(normalise(words[i]))) leftover.push(words[i]);
      matched = 1;
    }
    i += matched;
  }
  return { filters, terms, leftover };
}

/**
 * The shopper's own filters narrowed by the query's: a field both constrain keeps the values
 * both accept, other fields keep their own. Null when a field is left with no value, since no
 * item can match then (an empty list would mean "no constraint" to buildFilterMask).
 */
export function mergeFilters(
  chosen: Readonly<Record<string, readonly string[]>>,
  fromText: Readonly<Record<string, readonly string[]>>,
): Record<string, string[]> | null {
  const merged: Record<string, string[]> = {};
  for (const [field, values] of Object.entries(chosen)) {
    if (values.length) merged[field] = [...values];
  }
  for (const [field, values] of Object.entries(fromText)) {
    const mine = merged[field];
    const kept = mine ? mine.filter((v) => values.includes(v)) : [...values];
    if (!kept.length) return null;
    merged[field] = kept;
  }
  return merged;
}
