// Migration 2: what search needs beyond the base tables (DESIGN.md §6, issue 6).
//
// [Note: Tag term index]
// Tag names are matched through `tag_terms`, a B-tree of normalised search terms, instead of
// an FTS5 `trigram` table. The common Chinese query is one or two characters (狗, 猫, 海滩),
// which a trigram index cannot serve (it needs three characters and falls back to a scan),
// and `unicode61` does not split Chinese at all. `tag_terms` stores, per tag, every
// character suffix of the Chinese name ("黑白照片", "白照片", "照片", "片") and every word
// suffix of the English name and canonical name ("hot dog", "dog"): "contains" for Chinese and
// "a word starts with" for English both become one index range scan (`term >= ? AND term < ?`),
// for every query length, in a STRICT table. The vocabulary is small (thousands of tags, a
// handful of terms each). Terms are computed in JS (Unicode case folding, word splitting,
// which SQL triggers cannot do), so triggers only mark a tag stale and the search code
// refreshes stale tags before it reads (main/catalog/tag-terms.ts `refreshTagTerms`).
//
// [Note: Tag counts]
// `tag_stats.contents` is the number of contents with at least one live (not rejected) row
// of the tag, kept exact by triggers on photo_tags, so autocomplete can rank thousands of
// candidate tags by popularity without counting a million rows on every keystroke.
import type { Migration } from './migration.ts';

export const migration0002SearchIndex: Migration = {
  version: 2,
  name: 'search-index',
  up: `
CREATE TABLE tag_terms (
  term TEXT NOT NULL,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  -- 1: any prefix of the term is a match (character suffix of a Chinese name);
  -- 0: a match must end at a word boundary (word suffix of an English name).
  contains INTEGER NOT NULL CHECK (contains IN (0, 1)),
  -- 1: the term is a whole name (ranks first in autocomplete).
  whole INTEGER NOT NULL CHECK (whole IN (0, 1)),
  PRIMARY KEY (term, tag_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX tag_terms_tag ON tag_terms(tag_id);

CREATE TABLE tag_terms_stale (tag_id INTEGER PRIMARY KEY) STRICT;
INSERT INTO tag_terms_stale (tag_id) SELECT id FROM tags;

CREATE TRIGGER tags_terms_after_insert AFTER INSERT ON tags BEGIN
  INSERT OR IGNORE INTO tag_terms_stale (tag_id) VALUES (NEW.id);
END;
CREATE TRIGGER tags_terms_after_update AFTER UPDATE OF name, zh, en ON tags
WHEN OLD.name IS NOT NEW.name OR OLD.zh IS NOT NEW.zh OR OLD.en IS NOT NEW.en BEGIN
  INSERT OR IGNORE INTO tag_terms_stale (tag_id) VALUES (NEW.id);
END;
CREATE TRIGGER tags_terms_after_delete AFTER DELETE ON tags BEGIN
  DELETE FROM tag_terms_stale WHERE tag_id = OLD.id;
  DELETE FROM tag_stats WHERE tag_id = OLD.id;
END;

CREATE TABLE tag_stats (
  tag_id INTEGER PRIMARY KEY,
  contents INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO tag_stats (tag_id, contents)
  SELECT tag_id, count(DISTINCT content_id) FROM photo_tags WHERE state != 'rejected' GROUP BY tag_id;

CREATE TRIGGER photo_tags_stats_after_insert AFTER INSERT ON photo_tags
WHEN NEW.state != 'rejected' AND (SELECT count(*) FROM photo_tags
  WHERE content_id = NEW.content_id AND tag_id = NEW.tag_id AND state != 'rejected') = 1 BEGIN
  INSERT INTO tag_stats (tag_id, contents) VALUES (NEW.tag_id, 1)
    ON CONFLICT (tag_id) DO UPDATE SET contents = contents + 1;
END;
CREATE TRIGGER photo_tags_stats_after_delete AFTER DELETE ON photo_tags
WHEN OLD.state != 'rejected' AND NOT EXISTS (SELECT 1 FROM photo_tags
  WHERE content_id = OLD.content_id AND tag_id = OLD.tag_id AND state != 'rejected') BEGIN
  UPDATE tag_stats SET contents = contents - 1 WHERE tag_id = OLD.tag_id;
END;
CREATE TRIGGER photo_tags_stats_after_update_old AFTER UPDATE OF content_id, tag_id, state ON photo_tags
WHEN OLD.state != 'rejected' AND NOT EXISTS (SELECT 1 FROM photo_tags
  WHERE content_id = OLD.content_id AND tag_id = OLD.tag_id AND state != 'rejected') BEGIN
  UPDATE tag_stats SET contents = contents - 1 WHERE tag_id = OLD.tag_id;
END;
CREATE TRIGGER photo_tags_stats_after_update_new AFTER UPDATE OF content_id, tag_id, state ON photo_tags
WHEN NEW.state != 'rejected'
  AND NOT (OLD.state != 'rejected' AND OLD.content_id = NEW.content_id AND OLD.tag_id = NEW.tag_id)
  AND (SELECT count(*) FROM photo_tags
    WHERE content_id = NEW.content_id AND tag_id = NEW.tag_id AND state != 'rejected') = 1 BEGIN
  INSERT INTO tag_stats (tag_id, contents) VALUES (NEW.tag_id, 1)
    ON CONFLICT (tag_id) DO UPDATE SET contents = contents + 1;
END;

-- Live rows by tag, with the confidence, so a tag word can drive a search from the index
-- alone (engine is part of the primary key and so of every index entry).
CREATE INDEX photo_tags_live ON photo_tags(tag_id, content_id, confidence) WHERE state != 'rejected';
`,
};
