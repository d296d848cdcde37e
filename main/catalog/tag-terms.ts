// How typed words find tags: normalisation, the per-tag search terms kept in `tag_terms`
// (see [Note: Tag term index] in migration 0002), word resolution and autocomplete.
//
// [Note: How a word matches a tag]
// Case-insensitively (Unicode case folding and NFKC, so `Dog`, `ＤＯＧ` and `dog` are one),
// a word or quoted phrase matches a tag when
// - it appears in the Chinese name anywhere (`狗` finds 狗, 小狗 and 热狗: Chinese has no spaces,
//   so "contains" is the natural unit), or
// - it is a whole word or run of words of the English or canonical name (`dog` finds "dog" and
//   "hot dog", not "dogma"; `"hot dog"` finds "hot dog" only).
// Autocomplete is looser on the English side: a word only has to start with the typed text.
// A tag is also found by the names of the tags merged into it ([Note: Merged tags stay merged]
// in migration 0006): their names are indexed as terms of the surviving tag.
import type { Catalog, ReadableCatalog } from './catalog-connection.ts';
import type { TagType } from '../engines/tag-model.ts';

/** Case-fold and simplify text for matching: punctuation and runs of spaces become one space. */
export function normaliseSearchText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface TagTerm {
  readonly term: string;
  readonly contains: 0 | 1;
  readonly whole: 0 | 1;
}

/** The names of a tag (or of a tag merged into it) that words are matched against. */
export interface TagNames {
  readonly name: string;
  readonly zh: string;
  readonly en: string;
}

/**
 * Every search term of one tag: char suffixes of the Chinese names, word suffixes of the
 * others, for the tag's own names and those of the tags merged into it (`aliases`).
 */
export function termsForTag(tag: TagNames, aliases: readonly TagNames[] = []): TagTerm[] {
  const terms = new Map<string, TagTerm>();
  const add = (term: string, contains: 0 | 1, whole: 0 | 1) => {
    if (term === '') return;
    const old = terms.get(term);
    terms.set(term, {
      term,
      contains: old && old.contains > contains ? old.contains : contains,
      whole: old && old.whole > whole ? old.whole : whole,
    });
  };
  for (const names of [tag, ...aliases]) {
    const zh = normaliseSearchText(names.zh);
    const chars = Array.from(zh); // code points: one per Chinese character
    for (let i = 0; i < chars.length; i++) {
      if (chars[i] === ' ') continue;
      add(chars.slice(i).join(''), 1, i === 0 ? 1 : 0);
    }
    for (const latin of [names.en, names.name]) {
      const words = normaliseSearchText(latin).split(' ').filter(Boolean);
      for (let i = 0; i < words.length; i++) add(words.slice(i).join(' '), 0, i === 0 ? 1 : 0);
    }
  }
  return [...terms.values()];
}

/**
 * Bring `tag_terms` up to date for tags inserted, renamed or given aliases since the last call
 * (the triggers of migrations 0002 and 0006 mark them in `tag_terms_stale`).
 */
export function refreshTagTerms(db: Catalog): number {
  const stale = db.prepare<[], { one: number }>(`SELECT 1 AS one FROM tag_terms_stale LIMIT 1`);
  if (!stale.get()) return 0;
  if (db.readonly) return 0; // a read-only connection searches the terms as they are
  return db.transaction(() => {
    const rows = db
      .prepare<[], { id: number; name: string; zh: string; en: string }>(
        `SELECT t.id, t.name, t.zh, t.en FROM tag_terms_stale s JOIN tags t ON t.id = s.tag_id`,
      )
      .all();
    const aliasesOf = db.prepare<[number], TagNames>(
      `SELECT name, zh, en FROM tag_aliases WHERE tag_id = ? ORDER BY name, type`,
    );
    const clear = db.prepare(`DELETE FROM tag_terms WHERE tag_id = ?`);
    const insert = db.prepare(
      `INSERT INTO tag_terms (term, tag_id, contains, whole) VALUES (?, ?, ?, ?)`,
    );
    for (const row of rows) {
      clear.run(row.id);
      for (const t of termsForTag(row, aliasesOf.all(row.id))) {
        insert.run(t.term, row.id, t.contains, t.whole);
      }
    }
    db.prepare(`DELETE FROM tag_terms_stale`).run();
    return rows.length;
  })();
}

// The largest code point: every string that starts with a prefix sorts below prefix + this.
const rangeEnd = '\u{10FFFF}';

interface TermRow {
  term: string;
  tag_id: number;
  contains: number;
  whole: number;
}

function termRange(db: ReadableCatalog, prefix: string): TermRow[] {
  return db
    .prepare<[string, string], TermRow>(
      `SELECT term, tag_id, contains, whole FROM tag_terms WHERE term >= ? AND term < ?`,
    )
    .all(prefix, prefix + rangeEnd);
}

/**
 * Ids of the tags a word or phrase matches (see [Note: How a word matches a tag]); with
 * `prefix` (a word still being typed) every term starting with it matches, as autocomplete
 * offers them.
 */
export function resolveTagWord(db: ReadableCatalog, word: string, prefix = false): number[] {
  const w = normaliseSearchText(word);
  if (w === '') return [];
  const ids = new Set<number>();
  for (const row of termRange(db, w)) {
    if (prefix || row.contains === 1 || row.term === w || row.term.startsWith(`${w} `)) {
      ids.add(row.tag_id);
    }
  }
  return [...ids].sort((a, b) => a - b);
}

/**
 * Ids of tags with one of the given canonical names (e.g. the face or text concepts),
 * including the tags such a name was merged into ([Note: Merged tags stay merged]).
 */
export function tagIdsByName(db: ReadableCatalog, names: readonly string[]): number[] {
  return db
    .prepare<[string, string], { id: number }>(
      `SELECT id FROM tags WHERE name IN (SELECT value FROM json_each(?))
       UNION SELECT tag_id FROM tag_aliases WHERE name IN (SELECT value FROM json_each(?))
       ORDER BY 1`,
    )
    .all(JSON.stringify(names), JSON.stringify(names))
    .map((r) => r.id);
}

export interface TagSuggestion {
  readonly tagId: number;
  readonly name: string;
  readonly type: TagType;
  readonly zh: string;
  readonly en: string;
  /** Contents (distinct images) with a live row of this tag; see [Note: Tag counts]. */
  readonly count: number;
}

/** Candidates from one range scan of tag_terms, ranked and cut in SQL; names joined last. */
export const autocompleteSql = `
  SELECT t.id AS tagId, t.name, t.type, t.zh, t.en, x.count FROM
    (SELECT m.tag_id, max(m.whole) AS whole, s.contents AS count
     FROM tag_terms m JOIN tag_stats s ON s.tag_id = m.tag_id
     WHERE m.term >= ? AND m.term < ? AND s.contents > 0
     GROUP BY m.tag_id ORDER BY whole DESC, count DESC, m.tag_id LIMIT ?) x
  JOIN tags t ON t.id = x.tag_id
  ORDER BY x.whole DESC, x.count DESC, t.name`;

/**
 * Tags for what the user is typing: English words starting with the text, Chinese names
 * containing it; best first (a whole name starting with the text, then by photo count).
 * Tags no photo carries any more are left out.
 */
export function autocompleteTags(db: Catalog, prefix: string, limit = 8): TagSuggestion[] {
  const p = normaliseSearchText(prefix);
  if (p === '' || limit <= 0) return [];
  refreshTagTerms(db);
  return db
    .prepare<[string, string, number], TagSuggestion>(autocompleteSql)
    .all(p, p + rangeEnd, Math.floor(limit));
}
