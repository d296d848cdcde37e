// Migration 16: one- and two-character words found through an index in the text read in
// photos, and sidecars that follow that text (issue 14).
//
// [Note: Short words in text search]
// The trigram index of migration 12 ([Note: Text search index]) needs three characters, and
// most Chinese words have two (咖啡, 出口, 地铁): those were an `instr()` scan of every text,
// 34–51 ms p50 and up to 280 ms p95 for 50k contents with text. `photo_text_grams` is a
// second FTS5 table (rowid = content id) whose tokens are, for each word of the normalised
// text, every pair of neighbouring characters and the word's last character alone
// (shortNeedleGrams in catalog/photo-text.ts). A text contains a two-character needle exactly
// when that pair is one of its tokens (a needle is normalised like the text, so it holds no
// space), and a one-character needle exactly when some token starts with it (an FTS5 prefix
// query): the same answers as `includes` in the in-memory snapshot, which the differential
// test in test/search/ checks. FTS5 rather than a (gram, content) table: its doclists are
// compressed (`detail=none`: only which contents, no positions), where a plain table with
// the index it needs for deletes would hold a row and an index entry per gram and content.
// The `ascii` tokenizer splits only at ASCII spaces and punctuation and folds only ASCII
// case, so a token is exactly the characters written (unicode61 would fold or strip some
// letters and match more than `includes` does). Lines are still written by
// catalog/photo-text.ts only, which keeps the three tables together.
//
// Sidecar marks: with sidecar writing and the text option on ([Note: Recognised text in XMP]
// in main/library/xmp-text.ts), a content whose lines change is due like one whose tags
// change ([Note: Sidecars follow tag changes] in migration 7), and so is a content with text
// seen at a new place or at its place again (migration 7 marks those only when they have tags).
import type Database from 'better-sqlite3';
import { shortNeedleGrams } from '../photo-text.ts';
import type { Migration } from './migration.ts';

const textInSidecars = `(SELECT CASE WHEN json_valid(value)
     THEN json_extract(value, '$.enabled') = 1 AND json_extract(value, '$.writeText') = 1 END
   FROM settings WHERE key = 'xmp.sidecars') = 1`;

const now = `CAST(unixepoch('subsec') * 1000 AS INTEGER)`;

function mark(contentId: string): string {
  return `INSERT INTO sidecar_pending (content_id, since, changed_at)
    SELECT ${contentId}, ${now}, ${now} WHERE true
    ON CONFLICT (content_id) DO UPDATE SET
      changed_at = excluded.changed_at, version = version + 1, retry_at = NULL;`;
}

export const migration0016PhotoTextGrams: Migration = {
  version: 16,
  name: 'photo-text-grams',
  up: `
CREATE VIRTUAL TABLE photo_text_grams USING fts5(grams, tokenize = 'ascii', detail = 'none');

CREATE TRIGGER contents_text_grams_after_delete AFTER DELETE ON contents BEGIN
  DELETE FROM photo_text_grams WHERE rowid = OLD.id;
END;

CREATE TRIGGER photo_text_lines_sidecar_after_insert AFTER INSERT ON photo_text_lines
WHEN ${textInSidecars} BEGIN
  ${mark('NEW.content_id')}
END;
-- A content being deleted takes its lines with it; its mark would point at nothing.
CREATE TRIGGER photo_text_lines_sidecar_after_delete AFTER DELETE ON photo_text_lines
WHEN ${textInSidecars} AND EXISTS (SELECT 1 FROM contents WHERE id = OLD.content_id) BEGIN
  ${mark('OLD.content_id')}
END;
CREATE TRIGGER photos_text_sidecar_after_insert AFTER INSERT ON photos
WHEN ${textInSidecars} AND NEW.content_id IS NOT NULL AND NEW.status = 'ok'
  AND EXISTS (SELECT 1 FROM photo_text_lines WHERE content_id = NEW.content_id) BEGIN
  ${mark('NEW.content_id')}
END;
CREATE TRIGGER photos_text_sidecar_after_update AFTER UPDATE OF content_id, folder_id, rel_path, status ON photos
WHEN ${textInSidecars} AND NEW.content_id IS NOT NULL AND NEW.status = 'ok'
  AND (OLD.content_id IS NOT NEW.content_id OR OLD.folder_id IS NOT NEW.folder_id
       OR OLD.rel_path IS NOT NEW.rel_path OR OLD.status IS NOT 'ok')
  AND EXISTS (SELECT 1 FROM photo_text_lines WHERE content_id = NEW.content_id) BEGIN
  ${mark('NEW.content_id')}
END;
`,
  apply(db: Database.Database) {
    // The texts read before this version: their grams, from the same function as new text.
    const insert = db.prepare<[number, string]>(
      `INSERT INTO photo_text_grams (rowid, grams) VALUES (?, ?)`,
    );
    const rows = db
      .prepare<[], [number, string]>(`SELECT rowid, body FROM photo_text_search`)
      .raw()
      .all();
    for (const [contentId, body] of rows) insert.run(contentId, shortNeedleGrams(body));
  },
};
