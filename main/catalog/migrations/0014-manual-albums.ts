// Migration 14: manual albums (issue 16) and the undo of the last bulk change.
//
// [Note: Manual albums hold places]
// A smart album stores a query; a manual album stores the photos the user put in it, in the
// user's order. A member is a photo row (a place), not a content: the user picked that file
// in that folder, and the grid, the photo view and tag edits all speak photo ids. A photo
// row is kept when its file goes away (it becomes `missing`, photos.ts), so the album keeps
// the photo for when the drive comes back, and the album's page leaves missing photos out as
// a search does; a row that is deleted (its folder removed from the library, a duplicate row
// folded into a moved file's row by relinkPhoto) leaves every album by the foreign key.
// `position` is the order; moving photos renumbers the album (albums are hand-made, so
// small), which keeps the order a plain unique index the page query walks.
//
// [Note: Undo of the last bulk change]
// One row: what the last bulk change from the selection bar did, precisely enough to undo
// it after the grid refreshed or the app restarted (main/catalog/bulk-undo.ts). The payload
// is JSON read back through zod.
import type { Migration } from './migration.ts';

export const migration0014ManualAlbums: Migration = {
  version: 14,
  name: 'manual-albums',
  up: `
-- 'smart': query is the saved search; 'manual': query is '' and album_photos holds the photos.
ALTER TABLE albums ADD COLUMN kind TEXT NOT NULL DEFAULT 'smart' CHECK (kind IN ('smart', 'manual'));

CREATE TABLE album_photos (
  album_id INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (album_id, photo_id)
) STRICT, WITHOUT ROWID;
-- The album's page walks this index in order ([Note: Manual albums hold places]).
CREATE UNIQUE INDEX album_photos_order ON album_photos(album_id, position);
-- A deleted photo row finds its memberships (the cascade) without a scan.
CREATE INDEX album_photos_photo ON album_photos(photo_id);

CREATE TABLE bulk_undo (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  kind TEXT NOT NULL CHECK (kind IN ('add-tag', 'remove-tag', 'add-to-album')),
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
`,
};
