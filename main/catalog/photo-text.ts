// The text read in photos (migration 12, [Note: Text search index]): writing an engine's lines
// for a content, reading them back for the photo view, the CLI and exports, and finding the
// contents whose text contains a search word. Lines are tied to the content, like tags.
import { z } from 'zod';
import type { EngineAnswer, TextLineAnswer } from '../engines/tag-model.ts';
import { TextLineAnswer as TextLineSchema } from '../engines/tag-model.ts';
import type { Catalog, ReadableCatalog } from './catalog-connection.ts';
import { normaliseSearchText } from './tag-terms.ts';

export interface PhotoTextLine extends TextLineAnswer {
  readonly model: string;
}

/** The searchable text of a content's lines: each line normalised, one per line. */
export function searchableText(lines: readonly { text: string }[]): string {
  return lines
    .map((line) => normaliseSearchText(line.text))
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * The tokens of `photo_text_grams` for a searchable text ([Note: Short words in text search]
 * in migration 16): every pair of neighbouring characters inside a word, and each word's last
 * character alone, so every character starts at least one token. Distinct, space-separated.
 */
export function shortNeedleGrams(body: string): string {
  const grams = new Set<string>();
  for (const word of body.split(/\s+/)) {
    const chars = Array.from(word); // code points: one per Chinese character
    for (let i = 0; i + 1 < chars.length; i++) grams.add(`${chars[i] ?? ''}${chars[i + 1] ?? ''}`);
    const last = chars.at(-1);
    if (last !== undefined) grams.add(last);
  }
  return [...grams].join(' ');
}

/**
 * Replace the content's text with what this answer read (nothing when the answer carries no
 * `text`: an engine that does not read text). Runs inside the caller's transaction (the job
 * runner commits it with the engine result), so "read" and "its lines" are one write.
 */
export function savePhotoText(db: Catalog, contentId: number, answer: EngineAnswer): void {
  const text = answer.text;
  if (text === undefined) return;
  const lines = z.array(TextLineSchema).parse(text.lines);
  db.prepare(`DELETE FROM photo_text_lines WHERE content_id = ?`).run(contentId);
  db.prepare(`DELETE FROM photo_text_search WHERE rowid = ?`).run(contentId);
  db.prepare(`DELETE FROM photo_text_grams WHERE rowid = ?`).run(contentId);
  const insert = db.prepare(
    `INSERT INTO photo_text_lines (content_id, line_no, text, box, confidence, language, model)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  lines.forEach((line, i) => {
    insert.run(
      contentId,
      i,
      line.text,
      JSON.stringify(line.box),
      line.confidence,
      line.language,
      answer.model,
    );
  });
  const body = searchableText(lines);
  if (body !== '') {
    db.prepare(`INSERT INTO photo_text_search (rowid, body) VALUES (?, ?)`).run(contentId, body);
    db.prepare(`INSERT INTO photo_text_grams (rowid, grams) VALUES (?, ?)`).run(
      contentId,
      shortNeedleGrams(body),
    );
  }
}

const LineRow = z.object({
  text: z.string(),
  box: z.string(),
  confidence: z.number(),
  language: z.enum(['zh', 'en', 'mixed', 'und']),
  model: z.string(),
});

/** A content's lines in reading order. */
export function photoTextOf(db: ReadableCatalog, contentId: number): PhotoTextLine[] {
  return db
    .prepare(
      `SELECT text, box, confidence, language, model FROM photo_text_lines
       WHERE content_id = ? ORDER BY line_no`,
    )
    .all(contentId)
    .map((raw) => {
      const row = LineRow.parse(raw);
      const box = TextLineSchema.shape.box.parse(JSON.parse(row.box));
      return { ...row, box };
    });
}

/** Whether the text engine has read this content (with or without finding text), and with which model. */
export function textReadingOf(
  db: ReadableCatalog,
  contentId: number,
): { readonly model: string; readonly at: number } | null {
  const row = db
    .prepare<[number], { model: string; finished_at: number }>(
      `SELECT model, finished_at FROM engine_results WHERE content_id = ? AND engine = 'text'
       ORDER BY finished_at DESC LIMIT 1`,
    )
    .get(contentId);
  return row ? { model: row.model, at: row.finished_at } : null;
}

/** Needles shorter than this cannot use the trigram index ([Note: Text search index]). */
const trigramLength = 3;

/** Contents whose text contains a word of three or more characters: the trigram index. */
export const textTrigramSql = `SELECT rowid FROM photo_text_search WHERE photo_text_search MATCH ? ORDER BY rowid`;
/** …of one or two characters: one token of the gram index ([Note: Short words in text search]). */
export const textGramSql = `SELECT rowid FROM photo_text_grams WHERE photo_text_grams MATCH ? ORDER BY rowid`;

/** An FTS5 string (one phrase); `*` makes it a prefix. */
function ftsString(text: string, prefix = false): string {
  return `"${text.replaceAll('"', '""')}"${prefix ? '*' : ''}`;
}

/**
 * Contents whose text contains the word (normalised as search words are), ascending. Empty
 * for a word that normalises to nothing.
 */
export function contentsWithTextContaining(db: ReadableCatalog, word: string): number[] {
  const needle = normaliseSearchText(word);
  if (needle === '') return [];
  const length = Array.from(needle).length;
  if (length >= trigramLength) {
    // A quoted FTS5 string is one phrase: with trigrams, "contains this exact substring".
    return db.prepare<[string], number>(textTrigramSql).pluck().all(ftsString(needle));
  }
  // Two characters: that pair is a token. One: some token starts with it (a prefix query).
  return db
    .prepare<[string], number>(textGramSql)
    .pluck()
    .all(ftsString(needle, length === 1));
}

/** Every content's searchable text (the in-memory search snapshot reads this). */
export function* allSearchableText(db: ReadableCatalog): Iterable<[number, string]> {
  yield* db
    .prepare<[], [number, string]>(`SELECT rowid, body FROM photo_text_search`)
    .raw()
    .iterate();
}

/** How many contents have text, and how many lines in all (status, tests). */
export function countPhotoText(db: ReadableCatalog): { contents: number; lines: number } {
  const row = db
    .prepare<[], { contents: number; lines: number }>(
      `SELECT count(DISTINCT content_id) AS contents, count(*) AS lines FROM photo_text_lines`,
    )
    .get();
  return row ?? { contents: 0, lines: 0 };
}

/** How far text reading is: contents read (any model), with text, and lines. */
export function textReadingTotals(db: ReadableCatalog): {
  contents: number;
  read: number;
  withText: number;
  lines: number;
} {
  const one = (sql: string) => db.prepare<[], number>(sql).pluck().get() ?? 0;
  const text = countPhotoText(db);
  return {
    contents: one(
      `SELECT count(DISTINCT p.content_id) FROM photos p WHERE p.status = 'ok' AND p.content_id IS NOT NULL`,
    ),
    read: one(`SELECT count(DISTINCT content_id) FROM engine_results WHERE engine = 'text'`),
    withText: text.contents,
    lines: text.lines,
  };
}

/** A photo's text as the photo view and the CLI show it. */
export interface PhotoTextReport {
  /** not-read: the text engine has not read it (yet, or it is off for the folder). */
  readonly state: 'text' | 'no-text' | 'not-read';
  readonly model: string | null;
  readonly lines: PhotoTextLine[];
}

export function photoTextReport(db: ReadableCatalog, contentId: number | null): PhotoTextReport {
  if (contentId === null) return { state: 'not-read', model: null, lines: [] };
  const lines = photoTextOf(db, contentId);
  const reading = textReadingOf(db, contentId);
  if (lines.length > 0) return { state: 'text', model: lines[0]?.model ?? null, lines };
  return { state: reading ? 'no-text' : 'not-read', model: reading?.model ?? null, lines: [] };
}

/** Contents with at least one line of text (`has:text` in the search snapshot). */
export function iterateContentsWithText(db: ReadableCatalog): IterableIterator<number> {
  return db
    .prepare<[], number>(`SELECT DISTINCT content_id FROM photo_text_lines`)
    .pluck()
    .iterate();
}
