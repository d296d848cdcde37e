// Migration 0008: a library folder that moves (`tujian relink`) while sidecars are written to
// a sidecar folder (location "folder") moves its mirror there too: the mirror's top directory
// is named after the library folder (sidecarPathFor in main/library/xmp-sidecars.ts), so every
// tagged content in it is marked due ([Note: Sidecars follow tag changes] in migration 0007).
// Sidecars next to the photos moved with the photos, so nothing is marked for "beside".
import type { Migration } from './migration.ts';

export const migration0008SidecarFolderMoves: Migration = {
  version: 8,
  name: 'sidecar-folder-moves',
  up: `
CREATE TRIGGER folders_sidecar_after_path AFTER UPDATE OF path ON folders
WHEN OLD.path IS NOT NEW.path
  AND (SELECT CASE WHEN json_valid(value)
                   THEN json_extract(value, '$.enabled') = 1
                        AND json_extract(value, '$.location') = 'folder' END
       FROM settings WHERE key = 'xmp.sidecars') = 1 BEGIN
  INSERT INTO sidecar_pending (content_id, since, changed_at)
    SELECT DISTINCT p.content_id, CAST(unixepoch('subsec') * 1000 AS INTEGER),
           CAST(unixepoch('subsec') * 1000 AS INTEGER)
    FROM photos p
    WHERE p.folder_id = NEW.id AND p.content_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM photo_tags WHERE content_id = p.content_id)
    ON CONFLICT (content_id) DO UPDATE SET
      changed_at = excluded.changed_at, version = version + 1, retry_at = NULL;
END;
`,
};
