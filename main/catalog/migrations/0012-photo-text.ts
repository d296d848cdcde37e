// Migration 12: text read in photos (issue 14, the `text` engine in main/engines/text/).
//
// `photo_text_lines` holds each line with its box, confidence, language and the model that
// read it, tied to the content like tags (the same bytes in two folders are read once). "No
// text" is not a row here: it is the text engine's `engine_results` row with no lines, so a
// photo is never read twice for the same model version ([Note: Never pay twice]).
//
// [Note: Text search index]
// `photo_text_search` is an FTS5 table with the trigram tokenizer, one row per content with
// text (rowid = content id), holding the lines' normalised text (normaliseSearchText, one line
// per line): a word typed in search matches where it occurs inside that text, so Chinese
// needs no word breaking ("咖啡" is found in "欢迎光临咖啡馆") and English matches inside run-
// together words the recogniser produced. `case_sensitive 1`: the text is already folded by
// normaliseSearchText, and exact matching keeps SQL and the in-memory search snapshot equal
// (search-snapshot.ts tests `includes`). Trigram needs three characters; a one- or
// two-character needle (most Chinese words: 咖啡, 出口) is matched with `instr()` over the same
// table — a scan of the contents that HAVE text only (a minority of a library). Measured by
// `npm run bench:text-search` (1–8 lines per content, shared 2-core machine): 2 ms p50 for
// 10k contents with text, 34–51 ms p50 (p95 up to 150 ms) for 50k, against 0.02–0.4 ms for
// 3+ characters through the trigram index. A bigram table would make 2 characters an index
// lookup too, at about one row per character of text (millions of rows for a large library);
// it is the next step if libraries with that much text appear. (Done in migration 16:
// [Note: Short words in text search].) The app's in-memory snapshot
// (search-snapshot.ts) answers these from memory anyway. Lines are written by catalog/photo-text.ts only, in the transaction that records the
// answer, so the two tables cannot disagree.
//
// Text reading is on by default ([Note: Text reading is on by default] in
// main/engines/text/text-profile.ts): every folder that runs the on-device engine gets the
// text engine too.
import type { Migration } from './migration.ts';

export const migration0012PhotoText: Migration = {
  version: 12,
  name: 'photo-text',
  up: `
CREATE TABLE photo_text_lines (
  content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  line_no INTEGER NOT NULL CHECK (line_no >= 0),
  text TEXT NOT NULL CHECK (length(text) > 0),
  -- corners tl, tr, br, bl in 0–1 of the oriented image: JSON [[x, y], …] (4 pairs)
  box TEXT NOT NULL CHECK (json_valid(box) AND json_array_length(box) = 4),
  confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 100),
  language TEXT NOT NULL CHECK (language IN ('zh', 'en', 'mixed', 'und')),
  model TEXT NOT NULL,
  PRIMARY KEY (content_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE VIRTUAL TABLE photo_text_search USING fts5(body, tokenize = 'trigram case_sensitive 1');

CREATE TRIGGER contents_text_after_delete AFTER DELETE ON contents BEGIN
  DELETE FROM photo_text_search WHERE rowid = OLD.id;
END;

-- Searches read the text: any change is a new search generation (migration 5).
CREATE TRIGGER photo_text_lines_search_generation_insert AFTER INSERT ON photo_text_lines
BEGIN
  UPDATE search_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER photo_text_lines_search_generation_delete AFTER DELETE ON photo_text_lines
BEGIN
  UPDATE search_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER photo_text_lines_search_generation_update AFTER UPDATE ON photo_text_lines
BEGIN
  UPDATE search_generation SET n = n + 1 WHERE id = 1;
END;

UPDATE folders SET engines = json_insert(engines, '$[#]', 'text')
WHERE json_valid(engines)
  AND EXISTS (SELECT 1 FROM json_each(folders.engines) WHERE value = 'local')
  AND NOT EXISTS (SELECT 1 FROM json_each(folders.engines) WHERE value = 'text');
`,
};
