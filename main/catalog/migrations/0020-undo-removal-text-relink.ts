// Migration 20: two loose ends.
//
// 1. Removing photos from a manual album can be undone like the other bulk changes
//    ([Note: Undo of the last bulk change] in migration 14): `bulk_undo.kind` gains
//    'remove-from-album'. Nothing refers to `bulk_undo` (one row, no foreign keys, triggers or
//    indexes), so the table is rebuilt plainly; its row, if any, is kept.
//
// 2. A library folder that moves (`tujian relink`) while sidecars go to a sidecar folder
//    moves its mirror there (migration 8), but migration 8 marks only tagged contents: a photo
//    with text read in it and no tags has a sidecar too when the text option is on
//    ([Note: Recognised text in XMP] in main/library/xmp-text.ts), and it stayed behind under
//    the old name. This trigger marks those (tagged ones are migration 8's already).
import type { Migration } from './migration.ts';

const now = `CAST(unixepoch('subsec') * 1000 AS INTEGER)`;

export const migration0020UndoRemovalTextRelink: Migration = {
  version: 20,
  name: 'undo-removal-text-relink',
  up: `
CREATE TABLE bulk_undo_new (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  kind TEXT NOT NULL CHECK (kind IN ('add-tag', 'remove-tag', 'add-to-album', 'remove-from-album')),
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
INSERT INTO bulk_undo_new (id, kind, payload, created_at)
  SELECT id, kind, payload, created_at FROM bulk_undo;
DROP TABLE bulk_undo;
ALTER TABLE bulk_undo_new RENAME TO bulk_undo;

CREATE TRIGGER folders_text_sidecar_after_path AFTER UPDATE OF path ON folders
WHEN OLD.path IS NOT NEW.path
  AND (SELECT CASE WHEN json_valid(value)
                   THEN json_extract(value, '$.enabled') = 1
                        AND json_extract(value, '$.location') = 'folder'
                        AND json_extract(value, '$.writeText') = 1 END
       FROM settings WHERE key = 'xmp.sidecars') = 1 BEGIN
  INSERT INTO sidecar_pending (content_id, since, changed_at)
    SELECT DISTINCT p.content_id, ${now}, ${now}
    FROM photos p
    WHERE p.folder_id = NEW.id AND p.content_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM photo_text_lines WHERE content_id = p.content_id)
      AND NOT EXISTS (SELECT 1 FROM photo_tags WHERE content_id = p.content_id)
    ON CONFLICT (content_id) DO UPDATE SET
      changed_at = excluded.changed_at, version = version + 1, retry_at = NULL;
END;
`,
};
