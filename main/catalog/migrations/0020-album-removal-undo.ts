// Migration 20: removing photos from a manual album can be undone like the other bulk changes
// ([Note: Undo of the last bulk change] in migration 14). `bulk_undo.kind` gains
// 'remove-from-album'. Nothing refers to `bulk_undo` (one row, no foreign keys, triggers or
// indexes), so the table is rebuilt plainly; its row, if any, is kept.
import type { Migration } from './migration.ts';

export const migration0020AlbumRemovalUndo: Migration = {
  version: 20,
  name: 'album-removal-undo',
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
`,
};
