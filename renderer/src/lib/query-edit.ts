// Pure edits of a search query string, for facet clicks and autocomplete. The query
// language itself is parsed in main (main/search); here we only add, remove and replace
// whole terms, quoting names that contain spaces.

/** A term as the query language writes it: quoted when it contains spaces or quotes. */
export function quoteTerm(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}

/** Splits a query into its terms, keeping quoted phrases (with any leading `-`) whole. */
export function splitTerms(query: string): string[] {
  const terms: string[] = [];
  for (const m of query.matchAll(/-?[a-z]*:?"[^"]*"?|\S+/gi)) terms.push(m[0]);
  return terms;
}

/** Adds a term to the query unless it is already there. */
export function refineQuery(query: string, term: string): string {
  const terms = splitTerms(query);
  if (terms.includes(term)) return query.trim();
  return [...terms, term].join(' ');
}

/** Removes a term (and its negation) from the query. */
export function removeTerm(query: string, term: string): string {
  return splitTerms(query)
    .filter((t) => t !== term && t !== `-${term}`)
    .join(' ');
}

export function hasTerm(query: string, term: string): boolean {
  return splitTerms(query).includes(term);
}

export interface WordAtCaret {
  readonly start: number;
  readonly end: number;
  /** The word being typed, without a leading `-`. */
  readonly word: string;
  readonly negated: boolean;
}

/** The word under the caret, for autocomplete; filters (`type:`) and quotes are skipped. */
export function wordAtCaret(query: string, caret: number): WordAtCaret | null {
  let start = caret;
  while (start > 0 && !/\s/.test(query[start - 1] ?? '')) start--;
  let end = caret;
  while (end < query.length && !/\s/.test(query[end] ?? '')) end++;
  const raw = query.slice(start, end);
  const negated = raw.startsWith('-');
  const word = negated ? raw.slice(1) : raw;
  if (word === '' || word.includes(':') || word.includes('"') || word === 'OR') return null;
  return { start, end, word, negated };
}

/** Replaces the word under the caret with a completion; returns the new query and caret. */
export function applyCompletion(
  query: string,
  at: WordAtCaret,
  completion: string,
): { query: string; caret: number } {
  const term = `${at.negated ? '-' : ''}${quoteTerm(completion)}`;
  const before = query.slice(0, at.start);
  const after = query.slice(at.end);
  const spaced = after.startsWith(' ') ? after : ` ${after}`;
  const next = `${before}${term}${spaced}`;
  return {
    query: next.trimEnd() + (after.trim() === '' ? ' ' : ''),
    caret: before.length + term.length + 1,
  };
}
