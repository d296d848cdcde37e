// Keeps the search box in step with a tag edit: after a rename (or a merge) the query's terms
// for the tag's old names become its new names, so the results and the active facet stay.
import { quoteTerm, splitTerms } from './query-edit.ts';

interface Names {
  readonly zh: string;
  readonly en: string;
}

/**
 * The query with each term naming `before` (its Chinese or English name, case-insensitive,
 * negated or not) replaced by the same-language name of `after`; unchanged when none does.
 */
export function replaceTagTerms(query: string, before: Names, after: Names): string {
  const swaps = new Map<string, string>();
  for (const lang of ['zh', 'en'] as const) {
    const from = quoteTerm(before[lang]).toLowerCase();
    if (from !== '' && !swaps.has(from)) swaps.set(from, quoteTerm(after[lang]));
  }
  const terms = splitTerms(query);
  const next = terms.map((term) => {
    const negated = term.startsWith('-');
    const to = swaps.get((negated ? term.slice(1) : term).toLowerCase());
    return to === undefined ? term : negated ? `-${to}` : to;
  });
  return next.some((term, i) => term !== terms[i]) ? next.join(' ') : query;
}
