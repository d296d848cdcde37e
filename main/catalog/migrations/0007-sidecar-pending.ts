// Migration 0007: XMP sidecars that keep up with tag changes (issue 8).
//
// [Note: Sidecars follow tag changes]
// When XMP sidecar writing is on (the `xmp.sidecars` settings row, `enabled: true`), every
// change that alters what a photo's sidecar says marks its content in `sidecar_pending`, in
// the writer's own transaction and from any process: photo_tags rows added, changed or
// removed (engine answers, user adds and removals, merges), a tag's names or type edited
// (every content carrying it), and a photo that shows tagged content at a new place or again
// (a move, a relink, a missing file found). A drainer (main/library/sidecar-sync.ts) writes
// the marked sidecars and deletes a mark only when the version it read is still the current
// one, so a change made while its sidecar was being written is written again, and a mark
// left by a crash is written at the next start. Nothing is marked while writing is off:
// turning it on (or changing languages, threshold or location) is followed by one full
// `tujian xmp write`.
//
// The triggers read the settings row themselves. A damaged settings value must never make a
// tag write fail, so `json_extract` runs only on valid JSON (CASE evaluates lazily; AND does
// not promise to).
import type { Migration } from './migration.ts';

const enabled = `(SELECT CASE WHEN json_valid(value) THEN json_extract(value, '$.enabled') END
   FROM settings WHERE key = 'xmp.sidecars') = 1`;

const now = `CAST(unixepoch('subsec') * 1000 AS INTEGER)`;

/** Upserts marks for the contents the SELECT yields (`WHERE true` settles the upsert parse). */
function mark(select: string): string {
  return `INSERT INTO sidecar_pending (content_id, since, changed_at)
    SELECT content_id, ${now}, ${now} FROM (${select}) WHERE true
    ON CONFLICT (content_id) DO UPDATE SET
      changed_at = excluded.changed_at, version = version + 1, retry_at = NULL;`;
}

export const migration0007SidecarPending: Migration = {
  version: 7,
  name: 'sidecar-pending',
  up: `
CREATE TABLE sidecar_pending (
  content_id INTEGER PRIMARY KEY REFERENCES contents(id) ON DELETE CASCADE,
  -- First marked (ms): a content that keeps changing is still written after the longest wait.
  since INTEGER NOT NULL,
  -- Last marked (ms): a burst of changes is written once, after a quiet moment.
  changed_at INTEGER NOT NULL,
  -- Bumped by every mark; the drainer deletes only the version it wrote.
  version INTEGER NOT NULL DEFAULT 1,
  -- Failed or unreachable writes: how many, not before when (ms), and why.
  attempts INTEGER NOT NULL DEFAULT 0,
  retry_at INTEGER,
  last_error TEXT,
  -- A drainer is writing this content until then (ms); a crashed one's lease runs out.
  lease_until INTEGER
) STRICT;
CREATE INDEX sidecar_pending_changed ON sidecar_pending(changed_at);

CREATE TRIGGER photo_tags_sidecar_after_insert AFTER INSERT ON photo_tags
WHEN ${enabled} BEGIN
  ${mark('SELECT NEW.content_id AS content_id')}
END;
CREATE TRIGGER photo_tags_sidecar_after_update AFTER UPDATE ON photo_tags
WHEN ${enabled}
  AND (OLD.state IS NOT NEW.state OR OLD.confidence IS NOT NEW.confidence
       OR OLD.tag_id IS NOT NEW.tag_id OR OLD.content_id IS NOT NEW.content_id) BEGIN
  ${mark('SELECT NEW.content_id AS content_id UNION SELECT OLD.content_id')}
END;
-- A content being deleted takes its rows with it; its mark would point at nothing.
CREATE TRIGGER photo_tags_sidecar_after_delete AFTER DELETE ON photo_tags
WHEN ${enabled} AND EXISTS (SELECT 1 FROM contents WHERE id = OLD.content_id) BEGIN
  ${mark('SELECT OLD.content_id AS content_id')}
END;
CREATE TRIGGER tags_sidecar_after_update AFTER UPDATE OF name, type, zh, en ON tags
WHEN ${enabled}
  AND (OLD.name IS NOT NEW.name OR OLD.type IS NOT NEW.type
       OR OLD.zh IS NOT NEW.zh OR OLD.en IS NOT NEW.en) BEGIN
  ${mark('SELECT DISTINCT content_id FROM photo_tags WHERE tag_id = NEW.id')}
END;
-- A tagged content seen at a new place, or at its place again: that sidecar is due too.
CREATE TRIGGER photos_sidecar_after_insert AFTER INSERT ON photos
WHEN ${enabled} AND NEW.content_id IS NOT NULL AND NEW.status = 'ok'
  AND EXISTS (SELECT 1 FROM photo_tags WHERE content_id = NEW.content_id) BEGIN
  ${mark('SELECT NEW.content_id AS content_id')}
END;
CREATE TRIGGER photos_sidecar_after_update AFTER UPDATE OF content_id, folder_id, rel_path, status ON photos
WHEN ${enabled} AND NEW.content_id IS NOT NULL AND NEW.status = 'ok'
  AND (OLD.content_id IS NOT NEW.content_id OR OLD.folder_id IS NOT NEW.folder_id
       OR OLD.rel_path IS NOT NEW.rel_path OR OLD.status IS NOT 'ok')
  AND EXISTS (SELECT 1 FROM photo_tags WHERE content_id = NEW.content_id) BEGIN
  ${mark('SELECT NEW.content_id AS content_id')}
END;
-- A folder back online: the marks that waited for it are due now, not after their backoff.
CREATE TRIGGER folders_sidecar_after_online AFTER UPDATE OF status ON folders
WHEN OLD.status = 'offline' AND NEW.status = 'online' BEGIN
  UPDATE sidecar_pending SET retry_at = NULL
  WHERE retry_at IS NOT NULL
    AND content_id IN (SELECT content_id FROM photos WHERE folder_id = NEW.id);
END;
`,
};
