// Migration 0006: tag aliases, so a merge sticks (issue 6).
//
// [Note: Merged tags stay merged]
// `mergeTags` (main/catalog/tag-editing.ts) moves every row of one tag onto another and
// deletes it. Engines keep reporting the old tag by its canonical (name, type), so the merge
// leaves an alias behind: `tag_aliases` maps that (name, type) to the surviving tag, and
// `upsertTag` (main/catalog/photo-tags.ts) looks there first, so a merged-away tag is never
// created again and new rows land on the target (where a user's removal still holds, see
// [Note: Rejected tags stay rejected]). Merging the target on later repoints its aliases:
// a→b then b→c leaves a→c and b→c, never a chain to walk.
//
// The alias keeps the old tag's display names (zh, en) as well as its canonical name: a
// search for any name the tag used to have still finds its photos, because the target tag's
// search terms include its aliases' names (refreshTagTerms in main/catalog/tag-terms.ts; the
// triggers below mark the target stale whenever its aliases change).
//
// A tag row and an alias never share a (name, type): the BEFORE triggers on tags refuse it,
// so no code path can quietly bring a merged-away tag back ([Note: Merged tags stay merged]
// is the reason the refusal is loud rather than a silent removal of the alias).
import type { Migration } from './migration.ts';

export const migration0006TagAliases: Migration = {
  version: 6,
  name: 'tag-aliases',
  up: `
CREATE TABLE tag_aliases (
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('object', 'scene', 'concept')),
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  -- The merged-away tag's display names, searched as names of the target.
  zh TEXT NOT NULL,
  en TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (name, type)
) STRICT, WITHOUT ROWID;
-- Aliases of one tag: term refresh, repointing on a merge, and the cascade when a tag goes.
CREATE INDEX tag_aliases_tag ON tag_aliases(tag_id);

CREATE TRIGGER tag_aliases_terms_after_insert AFTER INSERT ON tag_aliases BEGIN
  INSERT OR IGNORE INTO tag_terms_stale (tag_id) VALUES (NEW.tag_id);
  UPDATE search_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER tag_aliases_terms_after_update AFTER UPDATE ON tag_aliases BEGIN
  INSERT OR IGNORE INTO tag_terms_stale (tag_id)
    SELECT id FROM tags WHERE id IN (OLD.tag_id, NEW.tag_id);
  UPDATE search_generation SET n = n + 1 WHERE id = 1;
END;
-- Only a surviving tag is marked: when the target itself is deleted the cascade lands here
-- after tags_terms_after_delete has cleaned up after it.
CREATE TRIGGER tag_aliases_terms_after_delete AFTER DELETE ON tag_aliases BEGIN
  INSERT OR IGNORE INTO tag_terms_stale (tag_id) SELECT id FROM tags WHERE id = OLD.tag_id;
  UPDATE search_generation SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER tags_alias_before_insert BEFORE INSERT ON tags
WHEN EXISTS (SELECT 1 FROM tag_aliases WHERE name = NEW.name AND type = NEW.type) BEGIN
  SELECT RAISE(ABORT, 'this tag was merged into another one (see tag_aliases); use upsertTag');
END;
CREATE TRIGGER tags_alias_before_update BEFORE UPDATE OF name, type ON tags
WHEN EXISTS (SELECT 1 FROM tag_aliases WHERE name = NEW.name AND type = NEW.type) BEGIN
  SELECT RAISE(ABORT, 'this tag was merged into another one (see tag_aliases); use upsertTag');
END;
`,
};
